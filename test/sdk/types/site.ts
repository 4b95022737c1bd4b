// A Next.js site's data layer, type-checked against the payload-types.ts
// that `cms types` writes (the Go test TestTypesCompileWithTSC copies both
// into one directory and runs tsc --noEmit). Every collection and global is
// read and written through PayloadSDK<Config>; a block is narrowed by
// blockType and a polymorphic relationship (the navigation links'
// reference) by relationTo.
import { PayloadSDK } from '@payloadcms/sdk'
import type {
  CallToActionBlock,
  Config,
  Footer,
  Header,
  HeroBlock,
  Media,
  Page,
  PayloadLockedDocument,
  User,
} from './payload-types'

export const sdk = new PayloadSDK<Config>({ baseURL: 'http://localhost:8080/api' })

export async function pages(): Promise<string[]> {
  const found = await sdk.find({ collection: 'pages', where: { slug: { equals: 'home' } }, depth: 2, limit: 1 })
  const first: Page | undefined = found.docs[0]
  const page: Page = await sdk.findByID({ collection: 'pages', id: first?.id ?? 1, depth: 1 })
  const created: Page = await sdk.create({ collection: 'pages', data: { title: 'Hello', slug: 'hello', _status: 'draft' } })
  const updated: Page = await sdk.update({ collection: 'pages', id: created.id, data: { title: 'Hello again', related: [page.id] } })
  const titles: string[] = [updated.title]
  const slim = await sdk.find({ collection: 'pages', select: { title: true, slug: true } })
  titles.push(...slim.docs.map((d) => d.title ?? ''))
  for (const block of page.layout ?? []) {
    switch (block.blockType) {
      case 'hero': {
        const hero: HeroBlock = block
        titles.push(hero.heading ?? '')
        break
      }
      case 'callToAction': {
        const cta: CallToActionBlock = block
        titles.push(...(cta.links ?? []).map((l) => l.label ?? ''))
        break
      }
      case 'mediaBlock': {
        // required upload: an id, or the document when populated
        const media: number | Media = block.media
        titles.push(typeof media === 'number' ? String(media) : media.alt)
        break
      }
      case 'content':
      case 'features':
        break
    }
  }
  const hero = page.heroImage
  if (hero && typeof hero === 'object') {
    titles.push(hero.url ?? '', hero.sizes?.thumbnail?.url ?? '')
  }
  const author = page.author
  if (typeof author === 'object' && author !== null) {
    const user: User = author
    titles.push(user.email)
  }
  return titles
}

export async function media(): Promise<string> {
  const found = await sdk.find({ collection: 'media', limit: 10 })
  const one: Media = await sdk.findByID({ collection: 'media', id: found.docs[0]?.id ?? 1 })
  const created: Media = await sdk.create({ collection: 'media', data: { alt: 'A photo' }, file: new Blob(['x'], { type: 'image/png' }) })
  const updated: Media = await sdk.update({ collection: 'media', id: created.id, data: { alt: 'Another photo', focalX: 30 } })
  return [one.filename ?? '', updated.alt, one.sizes?.card?.url ?? ''].join(' ')
}

export async function users(): Promise<string> {
  const found = await sdk.find({ collection: 'users', where: { email: { like: 'example.com' } } })
  const one: User = await sdk.findByID({ collection: 'users', id: found.docs[0]?.id ?? 1 })
  const created: User = await sdk.create({ collection: 'users', data: { collection: 'users', email: 'a@example.com', password: 'secret-pass-1', roles: ['editor'] } })
  const updated: User = await sdk.update({ collection: 'users', id: created.id, data: { name: 'A' } })
  return [one.email, updated.name ?? '', (one.roles ?? []).join(',')].join(' ')
}

// The globals: the layout's navigation.
export async function navigation(): Promise<string[]> {
  const header: Header = await sdk.findGlobal({ slug: 'header', depth: 1 })
  const footer: Footer = await sdk.findGlobal({ slug: 'footer', depth: 1 })
  const home = { type: 'reference' as const, reference: { relationTo: 'pages' as const, value: 1 }, label: 'Home' }
  const saved: Header = await sdk.updateGlobal({ slug: 'header', data: { navItems: [{ link: home }] } })
  const cleared: Footer = await sdk.updateGlobal({ slug: 'footer', data: { navItems: [] } })
  const items = [...(header.navItems ?? []), ...(footer.navItems ?? []), ...(saved.navItems ?? []), ...(cleared.navItems ?? [])]
  return items.map(({ link }) => href(link))
}

// Polymorphic relationships are {relationTo, value}: relationTo narrows value.
export function href(link: NonNullable<Header['navItems']>[number]['link']): string {
  if (link.type === 'custom') return link.url ?? '#'
  const ref = link.reference
  if (!ref) return '#'
  switch (ref.relationTo) {
    case 'pages':
      return typeof ref.value === 'number' ? `/pages/${ref.value}` : `/${ref.value.slug ?? ''}`
  }
}

export function lockedBy(doc: PayloadLockedDocument): string {
  const d = doc.document
  if (!d) return ''
  switch (d.relationTo) {
    case 'pages':
      return typeof d.value === 'number' ? String(d.value) : d.value.title
    case 'media':
      return typeof d.value === 'number' ? String(d.value) : d.value.alt
    case 'users':
      return typeof d.value === 'number' ? String(d.value) : d.value.email
  }
}

// Plain fetch, typed with the same interfaces.
export async function pageBySlug(slug: string): Promise<Page | undefined> {
  const res = await fetch(`http://localhost:8080/api/pages?where[slug][equals]=${encodeURIComponent(slug)}&depth=1`)
  const body = (await res.json()) as { docs: Page[] }
  return body.docs[0]
}

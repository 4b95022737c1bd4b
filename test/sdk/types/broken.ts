// Deliberate type errors: TestTypesCompileWithTSC expects tsc to report
// each line marked EXPECT-ERROR, and nothing else.
import type { Page } from './payload-types'
import { sdk } from './site'

export async function broken(): Promise<void> {
  const page: Page = await sdk.findByID({ collection: 'pages', id: 1 })
  const n: number = page.title // EXPECT-ERROR: a title is a string
  await sdk.find({ collection: 'posts' }) // EXPECT-ERROR: no such collection
  for (const block of page.layout ?? []) {
    if (block.blockType === 'hero') {
      console.log(block.caption) // EXPECT-ERROR: a hero block has no caption
    }
  }
  const header = await sdk.findGlobal({ slug: 'header' })
  const ref = header.navItems?.[0]?.link.reference
  if (ref && ref.relationTo === 'media') console.log(ref) // EXPECT-ERROR: a link references pages only
  console.log(n)
}

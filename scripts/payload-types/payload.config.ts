// Written by `go run ./app/cmd/payloadconfig` from Chronos's content definitions
// (scripts/payload-types.sh). Do not edit: change the definitions instead.
import path from 'path'
import { fileURLToPath } from 'url'
import { buildConfig } from 'payload'
import { lexicalEditor } from '@payloadcms/richtext-lexical'
import { postgresAdapter } from '@payloadcms/db-postgres'

const dirname = path.dirname(fileURLToPath(import.meta.url))

export default buildConfig({
  secret: 'generate-types-only',
  editor: lexicalEditor(),
  admin: { user: "users" },
  // generate:types never connects: the adapter only fixes the id type (number).
  db: postgresAdapter({ pool: { connectionString: 'postgres://u:p@127.0.0.1:1/none' } }),
  typescript: { outputFile: path.resolve(dirname, process.env.TYPES_OUT || 'payload-types.ts') },
  collections: [
    {
      "slug": "pages",
      "versions": {
        "drafts": {
          "autosave": {
            "interval": 2000
          }
        },
        "maxPerDoc": 20
      },
      "admin": {
        "useAsTitle": "title"
      },
      "fields": [
        {
          "name": "title",
          "type": "text",
          "required": true,
          "index": true,
          "maxLength": 300
        },
        {
          "name": "slug",
          "type": "text",
          "unique": true,
          "maxLength": 200
        },
        {
          "name": "content",
          "type": "richText"
        },
        {
          "name": "publishedAt",
          "type": "date",
          "index": true
        },
        {
          "name": "meta",
          "type": "group",
          "fields": [
            {
              "name": "title",
              "type": "text",
              "maxLength": 300
            },
            {
              "name": "description",
              "type": "textarea",
              "maxLength": 1000
            },
            {
              "name": "image",
              "type": "upload",
              "relationTo": "media",
              "filterOptions": {
                "mimeType": {
                  "contains": "image/"
                }
              }
            }
          ]
        },
        {
          "name": "heroImage",
          "type": "upload",
          "relationTo": "media",
          "filterOptions": {
            "mimeType": {
              "contains": "image/"
            }
          }
        },
        {
          "name": "author",
          "type": "relationship",
          "relationTo": "users"
        },
        {
          "name": "related",
          "type": "relationship",
          "hasMany": true,
          "relationTo": "pages"
        },
        {
          "name": "layout",
          "type": "blocks",
          "blocks": [
            {
              "slug": "hero",
              "interfaceName": "HeroBlock",
              "fields": [
                {
                  "name": "heading",
                  "type": "text",
                  "maxLength": 300
                },
                {
                  "name": "subheading",
                  "type": "textarea",
                  "maxLength": 1000
                },
                {
                  "name": "media",
                  "type": "upload",
                  "relationTo": "media",
                  "filterOptions": {
                    "mimeType": {
                      "contains": "image/"
                    }
                  }
                },
                {
                  "name": "links",
                  "type": "array",
                  "fields": [
                    {
                      "name": "label",
                      "type": "text",
                      "maxLength": 200
                    },
                    {
                      "name": "url",
                      "type": "text",
                      "maxLength": 2048
                    },
                    {
                      "name": "newTab",
                      "type": "checkbox"
                    }
                  ]
                }
              ]
            },
            {
              "slug": "content",
              "interfaceName": "ContentBlock",
              "fields": [
                {
                  "name": "richText",
                  "type": "richText"
                }
              ]
            },
            {
              "slug": "mediaBlock",
              "interfaceName": "MediaBlock",
              "fields": [
                {
                  "name": "media",
                  "type": "upload",
                  "required": true,
                  "relationTo": "media",
                  "filterOptions": {
                    "or": [
                      {
                        "mimeType": {
                          "contains": "image/"
                        }
                      },
                      {
                        "mimeType": {
                          "contains": "video/"
                        }
                      }
                    ]
                  }
                },
                {
                  "name": "caption",
                  "type": "text",
                  "maxLength": 500
                }
              ]
            },
            {
              "slug": "callToAction",
              "interfaceName": "CallToActionBlock",
              "fields": [
                {
                  "name": "heading",
                  "type": "text",
                  "maxLength": 300
                },
                {
                  "name": "richText",
                  "type": "richText"
                },
                {
                  "name": "links",
                  "type": "array",
                  "fields": [
                    {
                      "name": "label",
                      "type": "text",
                      "maxLength": 200
                    },
                    {
                      "name": "url",
                      "type": "text",
                      "maxLength": 2048
                    },
                    {
                      "name": "newTab",
                      "type": "checkbox"
                    }
                  ]
                }
              ]
            },
            {
              "slug": "features",
              "interfaceName": "FeaturesBlock",
              "fields": [
                {
                  "name": "items",
                  "type": "array",
                  "fields": [
                    {
                      "name": "title",
                      "type": "text",
                      "maxLength": 300
                    },
                    {
                      "name": "description",
                      "type": "textarea",
                      "maxLength": 1000
                    },
                    {
                      "name": "icon",
                      "type": "upload",
                      "relationTo": "media",
                      "filterOptions": {
                        "mimeType": {
                          "contains": "image/"
                        }
                      }
                    }
                  ]
                }
              ]
            }
          ]
        }
      ]
    },
    {
      "slug": "media",
      "upload": {
        "imageSizes": [
          {
            "name": "thumbnail",
            "width": 400,
            "height": 300
          },
          {
            "name": "thumbnail-webp",
            "width": 400,
            "height": 300,
            "formatOptions": {
              "format": "webp"
            }
          },
          {
            "name": "card",
            "width": 768
          },
          {
            "name": "card-webp",
            "width": 768,
            "formatOptions": {
              "format": "webp"
            }
          },
          {
            "name": "hero",
            "width": 1920
          },
          {
            "name": "hero-webp",
            "width": 1920,
            "formatOptions": {
              "format": "webp"
            }
          }
        ]
      },
      "admin": {
        "useAsTitle": "filename"
      },
      "fields": [
        {
          "name": "alt",
          "type": "text",
          "required": true,
          "index": true,
          "maxLength": 500
        },
        {
          "name": "caption",
          "type": "text",
          "maxLength": 1000
        }
      ]
    },
    {
      "slug": "users",
      "auth": true,
      "admin": {
        "useAsTitle": "email"
      },
      "fields": [
        {
          "name": "name",
          "type": "text",
          "index": true,
          "maxLength": 200
        },
        {
          "name": "roles",
          "type": "select",
          "hasMany": true,
          "options": [
            "admin",
            "editor"
          ]
        }
      ]
    }
  ] as any,
  globals: [
    {
      "slug": "header",
      "versions": {
        "drafts": {
          "autosave": {
            "interval": 2000
          }
        },
        "maxPerDoc": 20
      },
      "fields": [
        {
          "name": "navItems",
          "type": "array",
          "fields": [
            {
              "name": "link",
              "type": "group",
              "fields": [
                {
                  "name": "type",
                  "type": "radio",
                  "options": [
                    "reference",
                    "custom"
                  ]
                },
                {
                  "name": "newTab",
                  "type": "checkbox"
                },
                {
                  "name": "reference",
                  "type": "relationship",
                  "relationTo": [
                    "pages"
                  ]
                },
                {
                  "name": "url",
                  "type": "text",
                  "maxLength": 2048
                },
                {
                  "name": "label",
                  "type": "text",
                  "required": true,
                  "maxLength": 200
                }
              ]
            }
          ]
        }
      ]
    },
    {
      "slug": "footer",
      "fields": [
        {
          "name": "navItems",
          "type": "array",
          "fields": [
            {
              "name": "link",
              "type": "group",
              "fields": [
                {
                  "name": "type",
                  "type": "radio",
                  "options": [
                    "reference",
                    "custom"
                  ]
                },
                {
                  "name": "newTab",
                  "type": "checkbox"
                },
                {
                  "name": "reference",
                  "type": "relationship",
                  "relationTo": [
                    "pages"
                  ]
                },
                {
                  "name": "url",
                  "type": "text",
                  "maxLength": 2048
                },
                {
                  "name": "label",
                  "type": "text",
                  "required": true,
                  "maxLength": 200
                }
              ]
            }
          ]
        }
      ]
    }
  ] as any,
})

// Lexical's own serialiser, for the admin's browser test
// (app/internal/admin/browsertest/lexical_test.go). Reads JSON from stdin:
//
//   {"stored": <editor state>, "pageID": 2, "mediaID": 1}
//
// and prints {"canonical": …, "expected": …}: "canonical" is the stored state
// parsed by @lexical/headless with the admin's nodes and serialised again
// (equal to "stored" when the editor wrote what Lexical writes), "expected" is
// the document the test types, built with Lexical's API and serialised.
import { createHeadlessEditor } from "@lexical/headless";
import { $createParagraphNode, $createTextNode, $getRoot } from "lexical";
import { $createHeadingNode, $createQuoteNode } from "@lexical/rich-text";
import { $createListItemNode, $createListNode } from "@lexical/list";
import { $createLinkNode, $createUploadNode, NODES } from "./src/nodes.js";

const input = JSON.parse(await new Promise((resolve, reject) => {
  let s = "";
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (d) => { s += d; });
  process.stdin.on("end", () => resolve(s));
  process.stdin.on("error", reject);
}));

const newEditor = () => createHeadlessEditor({ namespace: "headless", nodes: NODES, onError: (e) => { throw e; } });

// canonical: parse and serialise the stored state.
const a = newEditor();
a.setEditorState(a.parseEditorState(input.stored));
const canonical = a.getEditorState().toJSON();

// expected: what TestLexicalEditor types, built with Lexical's API.
const b = newEditor();
const text = (s, format) => { const t = $createTextNode(s); if (format) t.toggleFormat(format); return t; };
const para = (...kids) => $createParagraphNode().append(...kids);
const item = (...kids) => $createListItemNode().append(...kids);
b.update(() => {
  const link = (fields, ...kids) => $createLinkNode(fields).append(...kids);
  $getRoot().append(
    para(text("Intro with "), text("bold", "bold"), text(" text.")),
    $createHeadingNode("h1").append(text("Heading one")),
    $createHeadingNode("h2").append(text("Heading two")),
    $createHeadingNode("h3").append(text("Heading three")),
    $createListNode("bullet").append(
      item(text("First bullet")),
      item($createListNode("bullet").append(item(text("Nested bullet")))),
      item(text("Second bullet"))),
    $createListNode("number").append(item(text("Step one")), item(text("Step two"))),
    $createQuoteNode().append(text("A wise quote")),
    para(text("Read the "), link({ linkType: "custom", newTab: false, url: "https://example.com/docs" }, text("docs"))),
    para(text("See "), link({ doc: { relationTo: "pages", value: input.pageID }, linkType: "internal", newTab: true }, text("About us"))),
    $createUploadNode({ fields: null, relationTo: "media", value: input.mediaID }),
    para(text("After the image.")),
  );
}, { discrete: true });
const expected = b.getEditorState().toJSON();

process.stdout.write(JSON.stringify({ canonical, expected }));

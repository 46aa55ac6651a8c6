// The answer's Markdown-ish text as DOM nodes (never innerHTML): paragraphs, "- " lists,
// "1. " lists, **bold**, and [c1] markers as links to the citations. A backslash escape
// ("\[c1\]", "\*") is the character itself: the server escapes document text that way, so
// a marker written inside a document is shown as text, never as a link.
const INLINE = /(\\[\\`*[\]<]|\*\*(?:[^*\\]|\\.)+\*\*|\[c\d+\])/g;
const UNESCAPE = /\\([\\`*[\]<])/g;

function inline(parent, text, citeLink) {
  for (const part of text.split(INLINE)) {
    if (!part) continue;
    if (part.length === 2 && part[0] === "\\") {
      parent.append(part[1]);
    } else if (part.startsWith("**") && part.endsWith("**") && part.length > 4) {
      const strong = document.createElement("strong");
      strong.textContent = part.slice(2, -2).replace(UNESCAPE, "$1");
      parent.append(strong);
    } else if (/^\[c\d+\]$/.test(part)) {
      parent.append(citeLink(part.slice(1, -1)) || part);
    } else {
      parent.append(part);
    }
  }
}

// the text as it reads, escapes undone (the answer while it streams in, before it is rendered)
export function plainText(text) {
  return text.replace(UNESCAPE, "$1");
}

function blocks(text) {
  const out = [];
  let current = null;
  for (const raw of text.split("\n")) {
    const line = raw.trimEnd();
    const bullet = /^\s*[-*]\s+(.*)$/.exec(line);
    const numbered = /^\s*\d+[.)]\s+(.*)$/.exec(line);
    const type = bullet ? "ul" : numbered ? "ol" : line.trim() ? "p" : null;
    if (!type) {
      current = null;
      continue;
    }
    if (!current || current.type !== type) {
      current = { type, lines: [] };
      out.push(current);
    }
    current.lines.push(bullet ? bullet[1] : numbered ? numbered[1] : line.trim());
  }
  return out;
}

// citeLink(id) returns an element for [id], or null to keep the marker as text
export function renderMarkdown(container, text, citeLink = () => null) {
  container.replaceChildren();
  for (const block of blocks(text)) {
    if (block.type === "p") {
      const p = document.createElement("p");
      block.lines.forEach((line, i) => {
        if (i) p.append(document.createElement("br"));
        inline(p, line, citeLink);
      });
      container.append(p);
    } else {
      const list = document.createElement(block.type);
      for (const line of block.lines) {
        const li = document.createElement("li");
        inline(li, line, citeLink);
        list.append(li);
      }
      container.append(list);
    }
  }
}

// one line of inline Markdown (bold, [c1] markers) into an inline element such as <strong>
export function renderInline(container, text, citeLink = () => null) {
  container.replaceChildren();
  inline(container, text.replace(/\s*\n\s*/g, " ").trim(), citeLink);
}

"""The prose of a Markdown message body: what it says outside code.

Bodies are Markdown, rendered by the client (docs/messages.md, "Formatting";
frontend/src/lib/markdown.ts is the renderer's parser). The server stores and
sends the body as typed; it reads the Markdown only where the meaning of the
words matters, e.g. a `@name` inside code mentions nobody.
"""

from markdown_it import MarkdownIt

# The client's subset: CommonMark without headings, images, rules, raw HTML, link
# reference definitions or indented code, plus GFM strikethrough. What the client
# leaves as text must be text here, or a name it shows as prose would not mention.
_PARSER = (
    MarkdownIt("commonmark")
    .disable(["code", "html_block", "html_inline", "heading", "lheading", "hr", "reference", "image"])
    .enable("strikethrough")
)

# Between two text runs (across emphasis, links or code): a character that is not a
# word character, so "a`x`@bob" still names bob, as the client shows it.
_SEPARATOR = "\n"


def body_prose(body: str) -> str:
    """The text runs of `body` outside code spans and fenced code blocks, joined by new lines.

    Markdown marks are gone and character references and escapes are decoded
    (`&#64;bob` reads `@bob`, as the client shows it). A body without a
    backtick, a tilde, a backslash or an ampersand has no code and nothing to
    decode, and is returned as it is (no parse).
    """
    if not any(mark in body for mark in "`~\\&"):
        return body
    runs: list[str] = []
    for token in _PARSER.parse(body):
        if token.type != "inline":
            continue
        for child in token.children or ():
            if child.type == "text":
                runs.append(child.content)
            elif child.type in ("softbreak", "hardbreak", "code_inline"):
                runs.append("")
    return _SEPARATOR.join(runs)

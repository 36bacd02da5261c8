"""Entry HTML -> text, before and after: 1,000 feed entries of the kinds real feeds carry
(paragraphs with links and entities, figures with and without alt text, lists, some nested,
score tables, quotes with <br>, code, feedburner flare and tracking pixels), made on the fly
from a seed. Prints the total time of each converter and a few samples side by side.

    .venv/bin/python -m benchmarks.html_text [--before REV] [--samples N]

`--before` names the git revision whose `newsreader/ingest/html.py` is the old converter.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import time
import types
from collections.abc import Callable

from newsreader.ingest.html import html_to_text, with_references

_WORDS = (
    "the council said on monday that new rules for water and energy prices would take effect "
    "in spring after months of talks between parties unions and city officials who had warned "
    "of rising costs for households schools and small firms across the region"
).split()


def _sentence(r: random.Random) -> str:
    return " ".join(r.choice(_WORDS) for _ in range(r.randint(6, 22))).capitalize() + "."


def _paragraph(r: random.Random, n: int) -> str:
    parts = []
    for _ in range(r.randint(2, 6)):
        words, roll = _sentence(r).split(" "), r.random()
        if roll < 0.25:
            k = r.randint(1, len(words) - 1)
            href = f"https://news.example.org/{n}/{r.randint(1, 99)}"
            words[0] = f'<a href="{href}">{words[0]}'
            words[k - 1] = f"{words[k - 1]}</a>"
        elif roll < 0.4:
            words[1] = f"<em>{words[1]}</em>"
        elif roll < 0.5:
            words.append("&mdash; &ldquo;quoted&rdquo; &amp; more&nbsp;text")
        parts.append(" ".join(words))
    return f"<p>{' '.join(parts)}</p>"


def entry(n: int, r: random.Random) -> str:
    blocks = [_paragraph(r, n) for _ in range(r.randint(2, 8))]
    if r.random() < 0.35:
        alt = f' alt="{_sentence(r)[:40]}"' if r.random() < 0.6 else ""
        figure = f'<figure><img src="/img/{n}.jpg"{alt}><figcaption>{_sentence(r)}</figcaption>'
        blocks.insert(r.randint(0, len(blocks)), figure + "</figure>")
    if r.random() < 0.3:
        items = "".join(f"<li>{_sentence(r)}</li>" for _ in range(r.randint(2, 6)))
        if r.random() < 0.4:
            items += f"<li>More<ul><li>{_sentence(r)}</li><li>{_sentence(r)}</li></ul></li>"
        kind = r.choice("uo")
        blocks.insert(r.randint(0, len(blocks)), f"<{kind}l>{items}</{kind}l>")
    if r.random() < 0.1:
        rows = "".join(
            f"<tr><td>{r.choice(_WORDS).title()}</td><td>{r.randint(0, 99)}</td>"
            f"<td>{r.randint(0, 9)}</td></tr>"
            for _ in range(r.randint(3, 12))
        )
        blocks.append(f"<table><tr><th>Team</th><th>Pts</th><th>W</th></tr>{rows}</table>")
    if r.random() < 0.15:
        blocks.append(f"<blockquote><p>{_sentence(r)}<br>{_sentence(r)}</p></blockquote>")
    if r.random() < 0.05:
        blocks.append("<pre><code>def f(x):\n    return x * 2\n</code></pre>")
    if r.random() < 0.1:
        blocks.append(
            '<div class="feedflare"><a href="http://feeds.example.com/~ff/x?a=1">'
            '<img src="http://feeds.example.com/~ff/x?i=1" border="0"></a></div>'
            '<img src="http://feeds.example.com/~r/x/~4/abc" height="1" width="1" alt=""/>'
        )
    return "\n".join(blocks)


def entries(count: int = 1000, seed: int = 17) -> list[str]:
    r = random.Random(seed)
    return [entry(n, r) for n in range(count)]


Convert = Callable[[str, str | None], tuple[str, list[str]]]


def _old_converter(revision: str) -> Convert:
    source = subprocess.run(
        ["git", "show", f"{revision}:newsreader/ingest/html.py"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    module = types.ModuleType("old_html")
    exec(compile(source, f"{revision}:html.py", "exec"), module.__dict__)
    convert: Convert = module.html_to_text
    return convert


def _timed(convert: Convert, docs: list[str]) -> tuple[float, list[str]]:
    convert(docs[0], None)  # imports and first-use set-up are not the per-entry cost
    start = time.perf_counter()
    out = [with_references(*convert(doc, "https://news.example.org/")) for doc in docs]
    return time.perf_counter() - start, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default="main")
    parser.add_argument("--samples", type=int, default=3)
    args = parser.parse_args()
    docs = entries()
    size = sum(map(len, docs))
    before, old = _timed(_old_converter(args.before), docs)
    after, new = _timed(html_to_text, docs)
    print(f"{len(docs)} entries, {size / 1e6:.2f} MB of HTML")
    print(f"before ({args.before}): {before:.3f} s   after: {after:.3f} s   {after / before:.2f}x")
    marks = ("<table", "<li>More<ul>", '.jpg"><figcaption>', "<br>")
    picks = [next((i for i, doc in enumerate(docs) if mark in doc), 0) for mark in marks]
    for i in picks[: args.samples]:
        print(f"\n=== entry {i}: before ===\n{old[i]}\n=== entry {i}: after ===\n{new[i]}")


if __name__ == "__main__":
    main()

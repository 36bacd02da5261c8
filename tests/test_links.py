"""The one web-link rule (`newsreader.links`): http(s), a host read the same by a person and
a browser, nothing a terminal or shell could act on."""

from __future__ import annotations

import string
from urllib.parse import urlsplit

import httpx
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from newsreader import links
from newsreader.links import INERT, is_web_link, link_problem, numbered_links, only_web_references

GOOD = [
    "http://example.com",
    "https://example.com/a/b?q=1&r=two#frag",
    "HTTPS://Example.COM/Path",
    "http://example.com./rooted",
    "http://127.0.0.1:8080/feed.xml",
    "http://[::1]:8000/",
    "http://bücher.de/straße",
    "http://xn--bcher-kva.de/",
    "https://my_host.blogspot.com/",
    "https://social.example/@user/123",
    "https://example.com/ünïcode/path",
]

BAD = {
    "": "it is empty",
    "http:": "it has no host",
    "https://": "it has no host",
    "http:///x": "it has no host",
    "http:/x": "it has no host",
    "http:example.com": "it has no host",
    "//example.com/x": "it is not an http or https address",
    "example.com": "it is not an http or https address",
    "javascript:alert(1)": "it is not an http or https address",
    "file:///etc/passwd": "it is not an http or https address",
    "data:text/html,<script>": "it is not an http or https address",
    "ftp://example.com/": "it is not an http or https address",
    " http://example.com": "it contains a space or an invisible character",
    "http://example.com/a b": "it contains a space or an invisible character",
    "http://example.com/\n": "it contains a space or an invisible character",
    "http://exa\x1bmple.com": "it contains a space or an invisible character",
    "http://example.com/\x9b": "it contains a space or an invisible character",
    "http://evil.com/\u202egnp.exe": "it contains a space or an invisible character",
    "http://exam\u200bple.com": "it contains a space or an invisible character",
    "http://example.com\u2028": "it contains a space or an invisible character",
    "http:\\\\evil.com": "it contains a backslash",
    "http://good.com\\@evil.com/": "it contains a backslash",
    "http://good.com@evil.com/": "it names a user before its host (user@host)",
    "http://user:pass@example.com/": "it names a user before its host (user@host)",
    "http://@example.com/": "it names a user before its host (user@host)",
    "http://ｅｘａｍｐｌｅ.com/": "its host is not valid",  # full-width: DNS sees example.com
    "http://example。com/": "its host is not valid",  # an ideographic dot is a dot to IDNA
    "http://straße.de/": "its host is not valid",  # IDNA 2003 and 2008 disagree on ß
    "http://÷.com/": "its host is not valid",  # IDNA 2003 takes it, 2008 refuses it
    "http://ex%61mple.com/": "its host is not valid",
    "http://a..b/": "its host is not valid",
    "http://-lead.com/": "its host is not valid",
    "http://" + "a" * 64 + ".com/": "its host is not valid",
    "http://0x7f.1/": "its host is not valid",  # browsers: 127.0.0.1
    "http://2130706433/": "its host is not valid",  # browsers: 127.0.0.1
    "http://010.0.0.1/": "its host is not valid",  # browsers: octal
    "http://1.2.3/": "its host is not valid",
    "http://[::1/": "it is not a well-formed address",
    "http://[not-ip]/": "it is not a well-formed address",
    "http://example.com:99999/": "it is not a well-formed address",
    "http://example.com:port/": "it is not a well-formed address",
}


@pytest.mark.parametrize("url", GOOD)
def test_web_links_pass(url: str) -> None:
    assert link_problem(url) is None and is_web_link(url)


@pytest.mark.parametrize(("url", "why"), BAD.items())
def test_everything_else_is_refused_with_its_reason(url: str, why: str) -> None:
    assert (is_web_link(url), link_problem(url)) == (False, why)


_LABELS = st.from_regex(r"[a-z0-9](?:[a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
_PATH = st.text(alphabet=string.ascii_letters + string.digits + "/-._~%!$&'()*+,;=:@?#")


@st.composite
def web_links(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["http", "https", "HTTP", "Https"]))
    labels = draw(st.lists(_LABELS, min_size=1, max_size=4))
    tld = draw(st.sampled_from(["com", "org", "de", "xn--bcher-kva", "example"]))
    port = draw(st.one_of(st.just(""), st.integers(0, 65535).map(lambda p: f":{p}")))
    path = draw(_PATH)
    return f"{scheme}://{'.'.join([*labels, tld])}{port}/{path}"


@given(web_links())
def test_generated_web_links_pass(url: str) -> None:
    assert link_problem(url) is None


@given(
    web_links(),
    st.data(),
    st.sampled_from(
        [
            *"\x00\x07\x1b\x7f\x85\x9b\t\n\r \u00a0\u2028\u202e\u200b\u2066\ufeff\\",
            "\ud800",
        ]
    ),
)
def test_a_control_space_or_backslash_anywhere_refuses_it(
    url: str, data: st.DataObject, bad: str
) -> None:
    at = data.draw(st.integers(0, len(url)))
    assert not is_web_link(url[:at] + bad + url[at:])


@given(web_links(), st.text(alphabet=string.ascii_letters + ":.", max_size=12))
def test_a_user_before_the_host_refuses_it(url: str, user: str) -> None:
    scheme, rest = url.split("://", 1)
    assert link_problem(f"{scheme}://{user}@{rest}") == (
        "it names a user before its host (user@host)"
    )


@given(st.text(max_size=60) | st.from_regex(r"https?://[^/]{0,20}(/.{0,10})?", fullmatch=True))
def test_any_text_gets_an_answer_and_a_passing_one_means_what_it_says(url: str) -> None:
    problem = link_problem(url)  # never raises
    assert is_web_link(url) == (problem is None)
    if problem is not None:
        assert "\n" not in problem and len(problem) < 80
        return
    parts = urlsplit(url)
    assert parts.scheme.lower() in ("http", "https") and parts.hostname
    assert "@" not in parts.netloc and "\\" not in url
    assert not any(ch.isspace() or ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in url)
    # httpx (a WHATWG-style parser) connects to exactly the host the person reads.
    host = parts.hostname
    assert httpx.URL(url).raw_host.decode("ascii") == host.encode("idna").decode("ascii")


def test_references_that_are_not_web_links_become_inert_text() -> None:
    body = (
        "Text [1] and [2].\n\nLinks:\n[1] https://good.example/a\n[2] http:///bad\n"
        "[3] javascript:alert(1)\n [4] http://a@evil.com/ \n[5] https://good.example/b\n"
        "not a reference http:///kept"
    )
    out = only_web_references(body)
    assert numbered_links(out) == {
        1: "https://good.example/a",
        2: INERT,
        3: INERT,
        4: INERT,
        5: "https://good.example/b",
    }
    assert out == body.replace("http:///bad", INERT, 1).replace(
        "javascript:alert(1)", INERT
    ).replace("http://a@evil.com/", INERT)
    assert only_web_references("no links here") == "no links here"


@given(st.lists(st.text(max_size=30), max_size=6), st.text(max_size=40))
def test_inert_references_keep_every_web_link_and_no_other(urls: list[str], text: str) -> None:
    refs = "".join(f"[{n}] {url}\n" for n, url in enumerate(urls, 1))
    body = f"{text}\n\nLinks:\n{refs}"
    before, after = numbered_links(body), numbered_links(only_web_references(body))
    assert after.keys() == before.keys()
    for n, url in before.items():
        assert after[n] == (url if is_web_link(url) else INERT)


def test_the_rule_is_written_once() -> None:
    """Every part (ingest, refresh, CLI, app) imports this rule: no module defines another."""
    import ast
    from pathlib import Path

    import newsreader

    root = Path(newsreader.__file__).parent
    defined = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef) and node.name in {"is_web_link", "numbered_links"}
    ]
    assert sorted(defined) == ["links.py", "links.py"]


_URL_PARTS = st.text("aZ0._-", max_size=12) | st.text("aZ0._-@:[]%/?#\\ \u00e9", max_size=12)


@given(
    st.sampled_from(["http://", "https://", "HTTP://", "https:", "ftp://", "", "https:///"]),
    _URL_PARTS,
    st.sampled_from(["", "/", "/p?q#f", "?x", "#y", ":8080/", ":99999", "@h/"]),
)
@example("https://", "Example.COM", "/a")
@example("http://", "a_b.example", "")
@example("https://", "0x7f.1", "/")
def test_plain_hosts_are_read_as_urlsplit_reads_them(scheme: str, host: str, rest: str) -> None:
    """`link_problem` reads the host of a plain `http(s)://host/...` itself: its answer is
    the one the full reading (`urlsplit`) gives, for any URL."""
    url = scheme + host + rest
    fast = link_problem(url)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(links, "_plain_host", lambda _: None)
        assert fast == link_problem(url)

"""The words of a post as the platform shows them: its addresses, #hashtags
and @mentions picked out, and the card of its first address.

Pure, like the rest of the engine: it cuts a text into pieces, each with its
kind, and the page escapes and styles each piece. A card comes from the
scenario's `links` only; nothing is ever fetched.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

from sandbox.engine.scenario import TRAILING, Scenario, hostname

# One alternative per kind; at any position an address wins, so a `#` or an
# `@` inside an address stays part of it. A mention is a whole handle (not
# the middle of an e-mail address), a hashtag has at least one letter.
TOKEN = re.compile(
    r"(?P<url>https?://\S+)"
    r"|(?<![\w@])(?P<mention>@[A-Za-z0-9_]{2,30})(?![A-Za-z0-9_])"
    r"|(?<![\w&#])(?P<hashtag>#(?=\w*[^\W\d_])\w+)"
)


@dataclass(frozen=True)
class Piece:
    kind: str  # text | url | mention | hashtag
    text: str


@dataclass(frozen=True)
class Card:
    """The card under a post: the address's domain, and its title,
    description and picture when the scenario declares the address."""

    url: str
    domain: str
    title: str = ""
    description: str = ""
    image_alt: str = ""
    # The address as the scenario declares it, by which a translation names it.
    declared_url: str = ""

    @property
    def declared(self) -> bool:
        return bool(self.title)


# A timeline is drawn again at every poll and reload, from the same texts:
# the pieces of each (immutable, like the text) are cut once per process.
@lru_cache(maxsize=4096)
def pieces(text: str) -> tuple[Piece, ...]:
    """`text` cut into plain text, addresses, mentions and hashtags, in order;
    joined again they give `text` back."""
    found: list[Piece] = []

    def add(kind: str, value: str) -> None:
        if not value:
            return
        if kind == "text" and found and found[-1].kind == "text":
            found[-1] = Piece("text", found[-1].text + value)
        else:
            found.append(Piece(kind, value))

    position = 0
    for match in TOKEN.finditer(text):
        add("text", text[position : match.start()])
        kind, value = match.lastgroup, match.group()
        if kind == "url":
            # The sentence's full stop or closing bracket is not the address's.
            address = value.rstrip(TRAILING)
            if hostname(address):
                add("url", address)
                add("text", value[len(address) :])
            else:
                add("text", value)
        else:
            add(kind, value)
        position = match.end()
    add("text", text[position:])
    return tuple(found)


def card(scenario: Scenario, text: str) -> Card | None:
    """The card of the first address in `text`, if it has one: declared in
    the scenario, or a plain card naming its domain."""
    address = next((piece.text for piece in pieces(text) if piece.kind == "url"), None)
    if address is None:
        return None
    link = scenario.link(address)
    if link is None:
        return Card(url=address, domain=hostname(address))
    return Card(
        url=address,
        domain=hostname(address),
        title=link.title,
        description=link.description,
        image_alt=link.image_alt,
        declared_url=link.url,
    )

"""A search as people type it, read as an FTS5 query that is never a syntax error.

`read_search` turns what was typed into an FTS5 query. Words and "phrases" are quoted, so
e-katalog, COVID-19, Jl. and title:foo are words to find, not FTS5 syntax; AND, OR, NOT
(in capitals), a trailing * (a prefix) and balanced parentheses keep their meaning. What
cannot be read so (an unclosed quote, an operator without a term on each side, an
unmatched parenthesis, a lone *) is mended, and the reading says how in its notes. Text
without a letter or digit searches nothing (its note says to type one).

The site (datasette_plugins/search_syntax.py) and `procarchive export` both read searches
with it; no Datasette import, so that either can use it alone.
"""

from __future__ import annotations

import re
from collections import deque
from typing import NamedTuple

OPERATORS = frozenset({"AND", "OR", "NOT"})
# A "phrase" (closed or running to the end, a * right after it), a parenthesis, or a word.
TOKEN = re.compile(
    r'"(?P<phrase>[^"]*)(?P<closed>"?)(?P<star>\*?)|(?P<paren>[()])|(?P<word>[^\s"()]+)'
)
CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # NUL would end the query's string in SQLite
NOTHING = '""'  # an FTS5 query that matches no row (an empty one is a syntax error)
FTS_PARAMETER = re.compile(r"\bfts_query\(\s*:(\w+)\s*\)", re.IGNORECASE)
OPERATOR_NOTE = "AND, OR and NOT go between two terms, as in tender NOT batal"
ORPHAN = "has no term"  # in the notes of left-out operators


class SearchReading(NamedTuple):
    query: str  # the FTS5 query, "" for no search
    notes: tuple[str, ...] = ()  # what was mended, in words


def read_search(text: str | None) -> SearchReading:
    """What `text` asks for, as an FTS5 query that cannot be a syntax error."""
    notes: list[str] = []
    tokens = _balanced(_tokens(CONTROL.sub(" ", text or ""), notes), notes)
    query = _expression(deque(tokens), notes)
    if any(ORPHAN in note for note in notes):
        notes.append(OPERATOR_NOTE)
    if not query:
        notes.append('type a word, a number or a "phrase"')
    return SearchReading(query, tuple(dict.fromkeys(notes)))


def fts_query(text: str | None) -> str:
    """The FTS5 query for `text`; one that matches nothing when it has no term."""
    return read_search(text).query or NOTHING


def explained(reading: SearchReading) -> str:
    """What was searched for and why, for a page or an error message."""
    searched = f"Searched for {reading.query}." if reading.query else "Nothing was searched for."
    return " ".join([searched, *(f"{note[0].upper()}{note[1:]}." for note in reading.notes)])


def quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _term(text: str, prefix: bool) -> tuple[str, str] | None:
    """A phrase to match, or None for text the index holds no token of (punctuation)."""
    if not any(char.isalnum() for char in text):
        return None
    return ("term", quoted(text) + ("*" if prefix else ""))


def _tokens(text: str, notes: list[str]) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    for found in TOKEN.finditer(text):
        word, phrase = found["word"], found["phrase"]
        if found["paren"]:
            tokens.append((found["paren"], found["paren"]))
        elif word in OPERATORS:
            tokens.append(("op", word))
        elif word is not None and not word.strip("*"):
            if tokens and tokens[-1][0] == "term" and not tokens[-1][1].endswith("*"):
                tokens[-1] = ("term", tokens[-1][1] + "*")  # `kerang *`, as FTS5 reads it
            else:
                notes.append("a * has no word before it (write kerang*)")
        elif word is not None:
            term = _term(word.rstrip("*"), word.endswith("*"))
            tokens += [term] if term else []
        else:
            if not found["closed"] and phrase.strip():
                notes.append(f'the " before {phrase.strip()} has no closing quote')
            term = _term(phrase, bool(found["star"]))
            tokens += [term] if term else []
    return tokens


def _balanced(tokens: list[tuple[str, str]], notes: list[str]) -> list[tuple[str, str]]:
    """The tokens without the parentheses that have no partner."""
    unmatched: list[int] = []
    for position, (kind, _) in enumerate(tokens):
        if kind == "(":
            unmatched.append(position)
        elif kind == ")":
            if unmatched and tokens[unmatched[-1]][0] == "(":
                unmatched.pop()
            else:
                unmatched.append(position)
    for position in unmatched:
        paren = tokens[position][0]
        notes.append(f"the {paren} has no matching {'(' if paren == ')' else ')'}")
    return [token for position, token in enumerate(tokens) if position not in unmatched]


def _expression(tokens: deque[tuple[str, str]], notes: list[str]) -> str:
    """Terms and groups up to the next `)`, with only the operators that join two of them."""
    parts: list[str] = []
    pending: str | None = None
    while tokens:
        kind, text = tokens.popleft()
        if kind == ")":
            break
        if kind == "op":
            if parts and pending is None:
                pending = text
            else:
                notes.append(f"{text} {ORPHAN} before it")
            continue
        operand = text if kind == "term" else _expression(tokens, notes)
        if not operand:
            continue  # an empty group
        operand = operand if kind == "term" else f"({operand})"
        if parts and not pending and (kind == "(" or parts[-1].endswith(")")):
            pending = "AND"  # FTS5 joins two phrases without one, not a group
        parts += [pending, operand] if pending else [operand]
        pending = None
    if pending:
        notes.append(f"{pending} {ORPHAN} after it")
    return " ".join(parts)


def search_parameters(sql: str) -> list[str]:
    """The parameters a canned query reads as searches, `fts_query(:name)`."""
    return FTS_PARAMETER.findall(sql)

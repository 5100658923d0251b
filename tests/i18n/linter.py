"""Finds words a person would read that no translation tag or call carries.

Templates: Django's own lexer splits a template into text, variables and tags;
text inside `{% translate %}`, `{% blocktranslate %}` and `{% comment %}` is
taken out, the rest put back with a placeholder for each tag, and what remains
between HTML tags (and in the attributes a person reads or hears: alt, title,
aria-label, placeholder, a meta description) must hold no letter. A text
template (e-mails) is read whole.

Python: the calls whose text reaches a person (`messages.*`, form fields'
labels and help texts, `ValidationError`, model fields' verbose names,
choices' labels, e-mail subjects) must pass a translation call, never a bare
string or an f-string.
"""

import ast
import re
from dataclasses import dataclass
from pathlib import Path

from django.template.base import Lexer, TokenType

# Words that are the same in every language: the product's name (and its two
# halves, where the logo sets the "e" apart), formats' names, symbols.
ALLOWED = {
    "ediplomacy",
    "e",
    "diplomacy",
    "©",
    "Open Badges",
    "JSON",
    "CSV",
    "PDF",
    "PNG",
    "SVG",
    "JWT",
    "·",
}

PLACEHOLDER = "\x00"
# Letters of any script; digits and punctuation alone say nothing to translate.
LETTER = re.compile(r"[^\W\d_]")
HIDDEN_ELEMENTS = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)
HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
TAG = re.compile(r"<[^>]*>", re.S)
ENTITY = re.compile(r"&[#a-zA-Z0-9]+;")
READ_ATTRIBUTES = re.compile(
    r"""\b(alt|title|aria-label|placeholder|aria-description)\s*=\s*("([^"]*)"|'([^']*)')""",
    re.I,
)
META_DESCRIPTION = re.compile(r"""<meta\s+name="description"\s+content="([^"]*)\"""", re.I)
# Literal text a template hands to a filter or an include.
LITERAL_IN_TAG = re.compile(r"""(\|default:|\bwith\s+\w+=|\s\w+=)("([^"]*)"|'([^']*)')""")


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    text: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.text!r}"


def _untranslated(text: str) -> str | None:
    words = ENTITY.sub(" ", text).replace(PLACEHOLDER, " ")
    words = " ".join(words.split())
    if not words or words in ALLOWED or not LETTER.search(words):
        return None
    remaining = words
    for allowed in sorted(ALLOWED, key=len, reverse=True):
        remaining = remaining.replace(allowed, " ")
    return words if LETTER.search(remaining) else None


def _shown_literal(value: str) -> bool:
    # "info" or "tone-ok" is a class name or a code; words with a space or a
    # capital are meant to be read.
    return bool(_untranslated(value)) and (" " in value.strip() or value != value.lower())


def _visible_source(source: str) -> list[tuple[int, str]]:
    """(line, text) of the template's text outside translation and comment blocks,
    with a placeholder where a variable or tag stood."""
    pieces: list[tuple[int, str]] = []
    skipping: str | None = None
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.split_contents()[0]
            if skipping:
                if name == skipping:
                    skipping = None
                continue
            if name in {"blocktranslate", "blocktrans"}:
                skipping = "endblocktranslate" if name == "blocktranslate" else "endblocktrans"
            elif name == "comment":
                skipping = "endcomment"
            elif name not in {"translate", "trans"}:
                for literal in LITERAL_IN_TAG.finditer(token.contents):
                    value = literal.group(3) or literal.group(4) or ""
                    if _shown_literal(value) and "_(" not in literal.group(0):
                        pieces.append((token.lineno, f"{{% {token.contents} %}}"))
            pieces.append((token.lineno, PLACEHOLDER))
        elif skipping:
            continue
        elif token.token_type == TokenType.VAR:
            for literal in LITERAL_IN_TAG.finditer(token.contents):
                value = literal.group(3) or literal.group(4) or ""
                if _shown_literal(value):
                    pieces.append((token.lineno, f"{{{{ {token.contents} }}}}"))
            pieces.append((token.lineno, PLACEHOLDER))
        elif token.token_type == TokenType.TEXT:
            pieces.append((token.lineno, token.contents))
        else:
            pieces.append((token.lineno, PLACEHOLDER))
    return pieces


def template_findings(path: Path, root: Path) -> list[Finding]:
    source = path.read_text()
    name = str(path.relative_to(root))
    pieces = _visible_source(source)
    # Put the text back together, remembering where each character came from.
    text, lines = "", []
    findings: list[Finding] = []
    for line, piece in pieces:
        if piece.startswith("{"):
            findings.append(Finding(name, line, piece))
            continue
        text += piece
        lines.extend(line + piece[:index].count("\n") for index in range(len(piece)))

    def line_at(offset: int) -> int:
        return lines[min(offset, len(lines) - 1)] if lines else 1

    if path.suffix == ".txt":
        for offset, chunk in _chunks(text, re.compile(r"\n")):
            if found := _untranslated(chunk):
                findings.append(Finding(name, line_at(offset), found))
        return findings

    def blank(match: re.Match) -> str:
        return re.sub(r"[^\n]", " ", match.group(0))

    html = HIDDEN_ELEMENTS.sub(blank, HTML_COMMENT.sub(blank, text))
    for match in TAG.finditer(html):
        tag = match.group(0)
        for attribute in READ_ATTRIBUTES.finditer(tag):
            value = attribute.group(3) if attribute.group(3) is not None else attribute.group(4)
            if found := _untranslated(value):
                findings.append(Finding(name, line_at(match.start()), f"{found} (in a tag)"))
        description = META_DESCRIPTION.search(tag)
        if description and (found := _untranslated(description.group(1))):
            findings.append(Finding(name, line_at(match.start()), found))
    for offset, chunk in _chunks(html, TAG):
        if found := _untranslated(chunk):
            findings.append(Finding(name, line_at(offset), found))
    return findings


def _chunks(text: str, separator: re.Pattern) -> list[tuple[int, str]]:
    chunks, start = [], 0
    for match in separator.finditer(text):
        chunks.append((start, text[start : match.start()]))
        start = match.end()
    chunks.append((start, text[start:]))
    return chunks


# Dates

# Formats each language defines for itself (Django's, and `ediplomacy/formats/`).
NAMED_DATE_FORMATS = {
    "DATE_FORMAT",
    "DATETIME_FORMAT",
    "SHORT_DATE_FORMAT",
    "SHORT_DATETIME_FORMAT",
    "MONTH_DAY_FORMAT",
    "YEAR_MONTH_FORMAT",
    "TIME_FORMAT",
}
# For machines, the same in every language: ISO 8601 (a `datetime` attribute,
# a file name), a Unix time.
MACHINE_DATE_FORMATS = {"c", "U", "Y-m-d"}
DATE_FILTER = re.compile(r"""\|(date|time):("([^"]*)"|'([^']*)')""")
NOW_TAG = re.compile(r"""\{%\s*now\s+("([^"]*)"|'([^']*)')""")


def fixed_date_findings(path: Path, root: Path) -> list[Finding]:
    """Dates a person reads written with a fixed pattern ("j F Y, H:i"), which
    keeps English word order in every language: a template names a format."""
    name = str(path.relative_to(root))
    source = path.read_text()
    findings = []
    for pattern, groups in ((DATE_FILTER, (3, 4)), (NOW_TAG, (2, 3))):
        for match in pattern.finditer(source):
            value = next(match.group(g) for g in groups if match.group(g) is not None)
            if value not in NAMED_DATE_FORMATS | MACHINE_DATE_FORMATS:
                line = source.count("\n", 0, match.start()) + 1
                findings.append(Finding(name, line, match.group(0)))
    return findings


# Python

TRANSLATION_CALLS = {
    "_",
    "gettext",
    "gettext_lazy",
    "ngettext",
    "ngettext_lazy",
    "pgettext",
    "pgettext_lazy",
    "npgettext",
    "npgettext_lazy",
    "format_lazy",
}
MESSAGE_CALLS = {"success", "info", "warning", "error", "debug", "add_message"}
SHOWN_KEYWORDS = {"label", "help_text", "verbose_name", "verbose_name_plural", "empty_label"}
# The confirmation page's words (templates/confirm.html), passed by the views.
CONFIRMATION_KEYWORDS = {"title", "what", "undo", "button"}
FIELD_CALLS_WITH_VERBOSE_NAME_FIRST = re.compile(r"Field$")


def _is_translated(node: ast.AST) -> bool:
    if isinstance(node, ast.Call):
        called = (
            node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        )
        if called in TRANSLATION_CALLS:
            return True
        # "...".format(...) of a translated string, or str(...) of one.
        if isinstance(node.func, ast.Attribute) and called == "format":
            return _is_translated(node.func.value)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        return _is_translated(node.left)
    return False


def _is_words(node: ast.AST) -> bool:
    """A bare string with letters, or an f-string with some."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return bool(_untranslated(node.value))
    if isinstance(node, ast.JoinedStr):
        return any(_is_words(value) for value in node.values if isinstance(value, ast.Constant))
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        return _is_words(node.left) or _is_words(node.right)
    return False


# Python's and Django's own errors are for developers; the project's (StudyError,
# CohortError...) carry the sentence a person reads.
DEVELOPER_ERRORS = {
    "AssertionError",
    "AttributeError",
    "CommandError",
    "ImproperlyConfigured",
    "IndexError",
    "KeyError",
    "LookupError",
    "NotImplementedError",
    "OSError",
    "PermissionError",
    "RuntimeError",
    "TypeError",
    "ValueError",
}
NOT_VERBOSE_NAME_FIRST = {"ForeignKey", "OneToOneField", "ManyToManyField"}


def shown_values(node: ast.AST) -> list[ast.AST]:
    """The expressions in `node` whose text a person reads."""
    shown: list[ast.AST] = []
    if isinstance(node, ast.Call):
        func = node.func
        called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        owner = getattr(func.value, "id", "") if isinstance(func, ast.Attribute) else ""
        if owner == "messages" and called in MESSAGE_CALLS:
            shown.extend(node.args[1:3])
        if called == "add_error" and len(node.args) > 1:
            shown.append(node.args[1])
        # (system checks' Error("...") speaks to whoever deploys)
        if (
            called.endswith("Error")
            and called not in DEVELOPER_ERRORS
            and called != "Error"
            and node.args
        ):
            shown.append(node.args[0])
        if (
            FIELD_CALLS_WITH_VERBOSE_NAME_FIRST.search(called)
            and node.args
            and called not in NOT_VERBOSE_NAME_FIRST
        ):
            shown.append(node.args[0])
        if called in {"send_mail", "EmailMessage", "EmailMultiAlternatives"}:
            shown.extend(node.args[:1])
            shown.extend(k.value for k in node.keywords if k.arg == "subject")
        shown.extend(k.value for k in node.keywords if k.arg in SHOWN_KEYWORDS)
        if called == "_confirmation":
            shown.extend(k.value for k in node.keywords if k.arg in CONFIRMATION_KEYWORDS)
        for keyword in node.keywords:
            if keyword.arg == "error_messages" and isinstance(keyword.value, ast.Dict):
                shown.extend(keyword.value.values)
            # choices=[("accept", "Accept"), ...]: the labels
            if keyword.arg == "choices" and isinstance(keyword.value, ast.List | ast.Tuple):
                shown.extend(
                    pair.elts[-1]
                    for pair in keyword.value.elts
                    if isinstance(pair, ast.Tuple) and len(pair.elts) == 2
                )
    # TextChoices members: NAME = "value", "Label"
    if isinstance(node, ast.ClassDef) and any(
        getattr(base, "attr", getattr(base, "id", "")) in {"TextChoices", "IntegerChoices"}
        for base in node.bases
    ):
        for statement in node.body:
            if (
                isinstance(statement, ast.Assign)
                and isinstance(statement.value, ast.Tuple)
                and len(statement.value.elts) > 1
            ):
                shown.append(statement.value.elts[-1])
    # class Meta: verbose_name = "..."; a form's self.fields["text"].help_text = "..."
    if isinstance(node, ast.Assign) and any(
        (isinstance(target, ast.Name) and target.id in SHOWN_KEYWORDS)
        or (isinstance(target, ast.Attribute) and target.attr in SHOWN_KEYWORDS)
        for target in node.targets
    ):
        shown.append(node.value)
    return [value for value in shown if value is not None]


EAGER_CALLS = {"gettext", "ngettext", "pgettext", "npgettext"}


def _translated_at_import(tree: ast.Module) -> list[ast.Call]:
    """gettext calls (under any name) outside every function: they translate
    once, into whatever language is active when the module is imported."""
    eager = {
        alias.asname or alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
        for alias in node.names
        if alias.name in EAGER_CALLS
    }
    found: list[ast.Call] = []

    def visit(node: ast.AST, in_function: bool) -> None:
        inside = in_function or isinstance(
            node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda
        )
        if (
            not inside
            and isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in eager
        ):
            found.append(node)
        for child in ast.iter_child_nodes(node):
            visit(child, inside)

    visit(tree, False)
    return found


def python_findings(path: Path, root: Path) -> list[Finding]:
    name = str(path.relative_to(root))
    tree = ast.parse(path.read_text())
    return [
        Finding(name, value.lineno, ast.unparse(value)[:80])
        for node in ast.walk(tree)
        for value in shown_values(node)
        if not _is_translated(value) and _is_words(value)
    ] + [
        Finding(name, call.lineno, "translated at import: " + ast.unparse(call)[:60])
        for call in _translated_at_import(tree)
    ]

"""Who may see what is decided in `accounts/access.py` alone.

Every module of the applications is read (as Python, not as text) for a
query that filters by organisation, by membership or by a cohort's trainer
list, or for a use of the role sets that such filters are built from. Only
the access module may hold one: a page, export, task or digest that wrote
its own would be a second answer to "who may see this", free to disagree.

A service that changes one organisation's rows reaches them through the
organisation it was given (`organisation.memberships.filter(...)`), which
names no organisation in a filter and needs no rule.
"""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = [
    "accounts",
    "sso",
    "competences",
    "curriculum",
    "progress",
    "reports",
    "sandbox",
    "discussions",
    "ediplomacy",
    "api",
]
ACCESS_MODULE = ROOT / "accounts" / "access.py"

QUERY_METHODS = {"filter", "exclude", "get", "Q", "first", "exists", "count", "annotate"}
# A keyword that chooses rows by organisation, membership or trainer list.
SCOPING_KEYWORD = re.compile(
    r"(^|__)(organisation|organisation_id|memberships|trainers|trained_cohorts)(__|$)"
)
# The role sets of `Roles`, from which organisation filters are made.
ROLE_SETS = {"admin_of", "trainer_of", "trainee_of", "training_in"}


def application_modules() -> list[Path]:
    modules = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts or path == ACCESS_MODULE:
                continue
            modules.append(path)
    return modules


def _called_name(call: ast.Call) -> str:
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    if isinstance(call.func, ast.Name):
        return call.func.id
    return ""


def scoping_in(source: str) -> list[tuple[int, str]]:
    """(line, what) of every organisation filter or role-set use in `source`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and _called_name(node) in QUERY_METHODS:
            for keyword in node.keywords:
                if keyword.arg and SCOPING_KEYWORD.search(keyword.arg):
                    found.append((node.lineno, f"{_called_name(node)}({keyword.arg}=...)"))
        elif isinstance(node, ast.Attribute) and node.attr in ROLE_SETS:
            found.append((node.lineno, f".{node.attr}"))
    return found


def test_no_module_but_the_access_module_scopes_by_organisation():
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in application_modules()
        for line, what in scoping_in(path.read_text())
    ]

    assert offenders == [], "Ask accounts.access instead:\n" + "\n".join(offenders)


def test_the_check_finds_what_it_looks_for():
    # The control: each way of writing such a filter is found.
    source = """
Cohort.objects.filter(organisation_id__in=ids)
Enrolment.objects.exclude(cohort__organisation=org)
Q(trainers=user)
User.objects.filter(memberships__role="trainer")
if organisation.pk in roles.admin_of: pass
organisation.memberships.filter(user=user)
Cohort.objects.create(organisation=org)
"""

    assert [line for line, _ in scoping_in(source)] == [2, 3, 4, 5, 6]


def test_the_access_module_itself_is_read():
    # The one module allowed to scope does so: a rename would empty the check.
    assert scoping_in(ACCESS_MODULE.read_text())
    assert ACCESS_MODULE not in application_modules()
    assert len(application_modules()) > 50

"""One function per user action. Each takes the session of the action's transaction.

Callers run them through `Database.run(...)` (or inside `Database.transaction()`), so an
action is one transaction: it validates, writes, and either commits whole or not at all.
Modules by subject; everything is re-exported here, so callers write `ops.add_milestone`.
"""

from db.operations.common import *  # noqa: F403
from db.operations.common import (  # noqa: F401  (names with a leading underscore or types)
    DateInput,
    Party,
    as_flexdate,
    find_agreement,
    find_by_ref,
)

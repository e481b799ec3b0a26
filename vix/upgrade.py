"""What a migration leaves to the live rules: done at the first opening after it.

A migration never calls live domain code (`vix.db`): where an upgrade needs a
live rule (ending a match and telling its members), the migration marks what
the rule must look at, and `open_store` calls `finish_upgrade` right after the
migrations, in its own transaction, before the command runs. Should that fail,
the marks stay and the next opening tries again.

- `family_match_checks` (migration 0022): family matches that a link made by an
  older rule held together. `matching.reconcile` on their members' youths ends
  a match whose youths are no family any more, or lets go of the members that
  are not, as after a move; `notices.queue_for_changes` tells the members as it
  tells them then (vix itself is the actor).
"""

from __future__ import annotations

from .db import Store
from .matching import reconcile
from .notices import queue_for_changes


def finish_upgrade(store: Store) -> None:
    """Apply the live rules to what the migrations marked; nothing when nothing is."""
    if store.scalar("SELECT 1 FROM family_match_checks LIMIT 1") is None:
        return
    with store.transaction():  # another process may have done it meanwhile: read again
        youths = [
            int(r[0])
            for r in store.rows(
                "SELECT DISTINCT s.youth_id FROM family_match_checks c"
                " JOIN match_members mm ON mm.match_id = c.match_id AND mm.left_at IS NULL"
                " JOIN signals s ON s.id = mm.signal_id ORDER BY s.youth_id"
            )
        ]
        if youths:
            queue_for_changes(store, reconcile(store, youths), None)
        store.execute("DELETE FROM family_match_checks")

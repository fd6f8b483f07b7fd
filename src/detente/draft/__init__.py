"""Draft a scenario from an article: its actors, its numeric claims checked, a template.

``draft_from_text(text)`` (or ``draft_from_file(path)``) returns a :class:`Draft`
whose ``actors`` are the states and blocs the article names (each with the sentences
that name them) and whose ``claims`` are its numeric claims, structured and checked
against detente's data; ``Draft.to_toml()`` writes a scenario to finish and
``Draft.to_json()`` a summary for scripts.  ``detente draft ARTICLE -o draft.toml``
is the command-line face.
"""

from detente.draft.draft import Draft, DraftActor, DraftClaim, draft_from_file, draft_from_text

__all__ = ["Draft", "DraftActor", "DraftClaim", "draft_from_file", "draft_from_text"]

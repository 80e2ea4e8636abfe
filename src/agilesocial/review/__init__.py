"""The sprint review: the one orchestrator between the lower rooms and the retrospective model.

It loads the workspace, opens the warehouse, runs the analysis, reads progress, history and stored decisions through
warehouse and analysis functions, and assembles the :class:`~agilesocial.retro.model.Retro` (or the learnings
library) that the renderers in :mod:`agilesocial.retro` turn into text, Markdown, JSON, CSV or HTML.

Public entry points: :func:`agilesocial.review.sprint.run_retro`, :func:`agilesocial.review.sprint.build_retro`,
:func:`agilesocial.review.learnings.collect_learnings`.
"""

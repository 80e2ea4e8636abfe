"""Sprint retrospectives: one model (:mod:`.model`), built once (:mod:`.build`), rendered many ways.

Public entry points: :func:`agilesocial.retro.build.build_retro`, :func:`agilesocial.retro.render.render`,
:func:`agilesocial.retro.csvexport.write_csv`, :func:`agilesocial.retro.learnings.collect_learnings`.
"""

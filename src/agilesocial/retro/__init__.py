"""Sprint retrospectives: the model (:mod:`.model`) and its renderers (:mod:`.render`, one registry shared with
``analyze``). Nothing here opens the warehouse or computes a statistic: :mod:`agilesocial.review` assembles the model.

Public entry points: :func:`agilesocial.retro.render.renderer`, :func:`agilesocial.retro.csvexport.write_csv`.
"""

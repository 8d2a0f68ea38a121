"""``reportgen serve``: a live preview of every report while its data and templates are edited.

A local web server (Starlette on uvicorn) lists the reports the data supports with their
validation state and shows any one as its PDF prints, page by page. File watching
(watchfiles) re-renders what an edit changed and pushes the news to open pages
(server-sent events). Errors in the data or the templates show in the page, located.

Modules: ``app`` (routes and pages), ``watch`` (file watching), ``hub`` (pushing to pages),
``workspace`` (data, validation and renders), ``pages`` (PDF pages as pictures),
``problems`` (located errors), ``resources`` (what a kind's look depends on), ``refs`` (names).
"""

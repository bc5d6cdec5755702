"""Small interfaces over platform services (screen readers and the like).

Each module here hides one platform question behind a plain function, so the
rest of the app never branches on the operating system itself. Nothing here
imports Qt.
"""

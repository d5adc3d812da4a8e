"""The desktop app: the only package that imports Qt; it reads SQLite and talks to the engine."""

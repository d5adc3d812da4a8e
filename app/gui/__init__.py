"""The desktop app: the only package that imports Qt; it reads SQLite and talks to the engine."""

from app.gui.pyside_features import read_less_source

read_less_source()  # before any other module of the window is imported

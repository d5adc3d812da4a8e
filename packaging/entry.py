"""The frozen program's entry point: the same `main` as the `shopdesk` script."""

from app.__main__ import main

if __name__ == "__main__":
    main()

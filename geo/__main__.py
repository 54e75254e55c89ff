"""``python -m geo``: the ``incmap`` command, for environments without the console script on PATH."""

from geo.cli.main import main

if __name__ == "__main__":
    main()

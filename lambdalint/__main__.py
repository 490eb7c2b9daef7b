"""``python -m lambdalint`` runs the command line."""

from lambdalint.cli import main

main()

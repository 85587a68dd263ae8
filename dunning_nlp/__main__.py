"""``python -m dunning_nlp`` runs the CLI."""
import sys

from .cli import main

sys.exit(main())

import sys

from grade.cli import main

sys.exit(main(sys.argv[1:]))

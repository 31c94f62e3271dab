from agentspec.cli import main
import sys

sys.exit(main())

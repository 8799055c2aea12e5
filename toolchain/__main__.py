"""``python -m toolchain`` runs the command line."""

from toolchain import patterns
from toolchain.files import cache_dir

patterns.install(cache_dir())

from toolchain.cli import leave, main  # noqa: E402  (imported after the pattern cache is in place: its modules compile from it)

leave(main())

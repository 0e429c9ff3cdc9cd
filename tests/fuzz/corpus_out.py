# SPDX-License-Identifier: GPL-2.0-or-later
"""What the corpus scripts share: writing the inputs at build time.

usage of a script: SCRIPT OUTDIR [STAMP]
(STAMP, written last, lets the build system track the folder.)
"""
import os


def write(corpus, argv):
    """Writes {name: bytes} into argv[1], then the stamp argv[2] if any."""
    outdir = argv[1]
    os.makedirs(outdir, exist_ok=True)
    for name, data in sorted(corpus.items()):
        with open(os.path.join(outdir, name), 'wb') as f:
            f.write(data)
    if len(argv) > 2:
        with open(argv[2], 'w') as f:
            f.write('%d inputs\n' % len(os.listdir(outdir)))

# SPDX-License-Identifier: GPL-2.0-or-later
"""bench/RESULTS.md is shared: each benchmark owns one '## ' section.

replace_section() rewrites the section a script owns and leaves the others
alone, so running one benchmark never drops another's recorded results.
"""

HEADER = '# Benchmark results\n'


def replace_section(path, heading, text):
    """Puts @text (which starts with @heading) in place of that section,
    or appends it when the file has none yet."""
    try:
        with open(path, encoding='utf-8') as f:
            old = f.read()
    except FileNotFoundError:
        old = HEADER
    start = old.find(heading + '\n')
    if start < 0:
        new = old.rstrip('\n') + '\n\n' + text
    else:
        end = old.find('\n## ', start + len(heading))
        rest = old[end + 1:] if end >= 0 else ''
        new = old[:start] + text + ('\n' + rest if rest else '')
    with open(path, 'w', encoding='utf-8') as f:
        f.write(new)

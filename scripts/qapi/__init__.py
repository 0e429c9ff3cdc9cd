# SPDX-License-Identifier: GPL-2.0-or-later
"""qmpd's QAPI schema generator (Python 3 standard library only)."""

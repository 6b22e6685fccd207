#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Report reStructuredText errors in the given files (docutils).

The kernel's own directives and roles (kernel-doc, toctree's :doc:) are
Sphinx extensions that plain docutils does not know: those reports are
not errors of the document. Exit status 1 when any other warning or error
is found.
"""
import io
import sys

from docutils.core import publish_doctree

SPHINX_ONLY = ('kernel-doc', 'role "doc"', 'toctree')


def lint(path):
    err = io.StringIO()
    with open(path, encoding='utf-8') as f:
        publish_doctree(f.read(), source_path=path,
                        settings_overrides={'warning_stream': err,
                                            'report_level': 2})
    return [line for line in err.getvalue().splitlines()
            if ('ERROR' in line or 'WARNING' in line or 'SEVERE' in line)
            and not any(s in line for s in SPHINX_ONLY)]


def main():
    bad = 0
    for path in sys.argv[1:]:
        for line in lint(path):
            print(line)
            bad += 1
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())

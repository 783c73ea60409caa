"""``python -m tests.clients.unittest_main <test names>``: runs unittest
test cases (Nova's use testtools, which pytest runs poorly) with this
service behind upstream's fixtures (tests/clients/placement_fixture.py)."""
import sys
import unittest

import tests.clients.placement_fixture  # noqa: F401  (installs fixtures)

if __name__ == '__main__':
    unittest.main(module=None, argv=[sys.argv[0]] + sys.argv[1:])

"""Run by `manage.py test` (tests-e2e/test_orms.py): Django's test runner creates the test
database, migrates it, runs these and drops it."""

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.test import TestCase, TransactionTestCase

from shop.models import Author, Book, Tag

UTC = dt.timezone.utc


class ShopTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.author = Author.objects.create(name="Ada", email="ada@example.com")
        cls.book = Book.objects.create(author=cls.author, title="Notes", isbn="1", price=Decimal("3.50"),
                                       published=dt.datetime(2024, 2, 29, 12, tzinfo=UTC), data={"k": [1, 2]})

    def test_lookup(self):
        self.assertEqual(Book.objects.get(title__iexact="NOTES", data__k__0=1).pk, self.book.pk)

    def test_duplicate_rolls_back_to_savepoint(self):
        with self.assertRaises(IntegrityError):
            with transaction.atomic():
                Book.objects.create(author=self.author, title="Notes", isbn="2", price=1,
                                    published=dt.datetime(2024, 1, 1, tzinfo=UTC))
        self.assertEqual(Book.objects.count(), 1)

    def test_changes_are_rolled_back_between_tests_a(self):
        Tag.objects.create(name="a")
        self.assertEqual(Tag.objects.count(), 1)

    def test_changes_are_rolled_back_between_tests_b(self):
        Tag.objects.create(name="b")
        self.assertEqual(Tag.objects.count(), 1)


class FlushTests(TransactionTestCase):
    """A TransactionTestCase: the runner flushes the tables after each test."""

    def test_commit_then_flush(self):
        Author.objects.create(name="Grace", email="grace@example.com")
        self.assertEqual(Author.objects.count(), 1)

    def test_flushed(self):
        self.assertEqual(Author.objects.count(), 0)

"""manage.py workload: an ORM workload over the shop models; prints "STEP <name>" before each step.

A wrong result prints "FAIL <step>: <what>" and the workload goes on; an exception ends its
step (printed with a traceback, the rest of the step skipped) and the next step runs. Exits 1
when anything failed, after a "FAILURES" summary.
"""

import contextlib
import datetime as dt
import os
import sys
import traceback
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import IntegrityError, connection, transaction
from django.db.models import Avg, Count, Exists, F, Max, Min, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth

from shop.models import Author, Book, Review, Tag

UTC = dt.timezone.utc


FAILURES: list[str] = []
CURRENT = ["-"]


def step(name: str) -> None:
    CURRENT[0] = name
    print(f"STEP {name}", flush=True)


def eq(got, want, what: str) -> None:
    if got != want:
        msg = f"{CURRENT[0]}: {what}: got {got!r}, want {want!r}"
        FAILURES.append(msg)
        print(f"FAIL {msg}\n  last SQL: {last_sql()}", flush=True)


def last_sql() -> str:
    """The last statement Django sent (DEBUG = True keeps connection.queries, failed ones too)."""
    return connection.queries[-1]["sql"] if connection.queries else "-"


@contextlib.contextmanager
def guard(name: str):
    """One step: an exception is a failure of the step, printed; the workload goes on."""
    step(name)
    try:
        yield
    except Exception as e:  # noqa: BLE001
        FAILURES.append(f"{name}: raised {type(e).__name__}: {e}")
        print(f"FAIL {name}: raised {type(e).__name__}: {e}\n  last SQL: {last_sql()}", flush=True)
        traceback.print_exc(file=sys.stdout)
        sys.stdout.flush()


def T(*a) -> dt.datetime:
    return dt.datetime(*a, tzinfo=UTC)


class Command(BaseCommand):
    help = "ORM workload over the shop models"

    def handle(self, *args, **options):
        with guard("connect"):
            with connection.cursor() as cur:
                cur.execute("SELECT VERSION()")
                print("server version:", cur.fetchone()[0], flush=True)

        with guard("create"):
            alice = Author.objects.create(name="Alice Liddell", email="alice@example.com", born=dt.date(1852, 5, 4))
            bob = Author.objects.create(name="Bob Dylan", email="bob@example.com", nickname="bobby")
            carol = Author.objects.create(name="Carol Ann Duffy", email="carol@example.com")
            Tag.objects.bulk_create([Tag(name="django"), Tag(name="python"), Tag(name="poetry")])
            django_tag, python_tag, poetry_tag = (Tag.objects.get(name=n) for n in ("django", "python", "poetry"))
            cover = bytes(range(256)) * 4
            b1 = Book.objects.create(
                author=alice,
                title="Django for Wonderland",
                isbn="9780000000001",
                price=Decimal("29.99"),
                published=T(2024, 1, 15, 10, 30),
                data={"genre": "tech", "pages": 320, "meta": {"lang": "en", "editions": [1, 2]}},
                cover=cover,
            )
            b2 = Book.objects.create(
                author=alice,
                title="Through the Looking-Glass",
                isbn="9780000000002",
                price=Decimal("12.50"),
                published=T(2024, 1, 31, 23, 59, 59),
                data={"genre": "fiction", "pages": 208, "meta": {"lang": "en"}},
            )
            b3 = Book.objects.create(
                author=bob,
                title="Tarantula",
                isbn="9780000000003",
                price=Decimal("18.00"),
                published=T(2024, 3, 2, 8, 0),
                in_print=False,
                data={"genre": "poetry", "pages": 150, "meta": {"lang": "en"}, "award": None},
            )
            b4 = Book.objects.create(
                author=carol,
                title="The World's Wife",
                isbn="9780000000004",
                price=Decimal("9.99"),
                published=T(2024, 3, 2, 23, 0),
                data={"genre": "poetry", "pages": 96, "meta": {"lang": "en-GB"}},
            )
            b5 = Book.objects.create(
                author=carol,
                title="Unchained: a DJANGO ballad",
                isbn="9780000000005",
                price=Decimal("100.00"),
                published=T(2023, 12, 24, 18, 0),
                data={"genre": "poetry", "pages": 48, "meta": {"lang": "it"}},
            )
            b1.tags.add(django_tag, python_tag)
            b3.tags.add(poetry_tag)
            b4.tags.set([poetry_tag])
            b5.tags.add(django_tag, poetry_tag)
            Review.objects.create(book=b1, reviewer=bob, stars=5, body="Curiouser and curiouser \u2014 \u00fcn\u00efc\u00f6d\u00e9 \u2713 \U0001f389")
            Review.objects.create(book=b1, reviewer=carol, stars=4)
            Review.objects.create(book=b3, reviewer=carol, stars=3)
            eq(Book.objects.count(), 5, "books")
            eq(Tag.objects.get_or_create(name="django")[1], False, "get_or_create of an existing tag created one")

        with guard("filter"):
            eq(sorted(Book.objects.filter(title__icontains="django").values_list("title", flat=True)),
               ["Django for Wonderland", "Unchained: a DJANGO ballad"], "title__icontains")
            eq(list(Book.objects.filter(title__contains="Django").values_list("title", flat=True)),
               ["Django for Wonderland"], "title__contains (case-sensitive, LIKE BINARY)")
            eq(Author.objects.get(name__iexact="alice LIDDELL").pk, alice.pk, "name__iexact")
            eq(list(Book.objects.filter(title__istartswith="the").order_by("title").values_list("isbn", flat=True)),
               ["9780000000004"], "title__istartswith")
            eq(list(Book.objects.filter(price__range=(Decimal("10"), Decimal("20"))).order_by("price").values_list("pk", flat=True)),
               [b2.pk, b3.pk], "price__range")
            eq(list(Book.objects.filter(Q(in_print=False) | Q(author__email__endswith="@example.com", price__gt=50))
                    .order_by("-price").values_list("pk", flat=True)), [b5.pk, b3.pk], "Q objects across a join")
            eq(list(Book.objects.order_by("-published").values_list("pk", flat=True)[1:3]), [b3.pk, b2.pk], "order_by + slice")
            eq(Book.objects.filter(tags__name="django").distinct().count(), 2, "filter across the M2M")
            eq(sorted(t.name for t in Book.objects.prefetch_related("tags").get(pk=b1.pk).tags.all()),
               ["django", "python"], "prefetch_related")
            eq(list(Author.objects.filter(Exists(Review.objects.filter(reviewer=OuterRef("pk")))).order_by("name")
                    .values_list("name", flat=True)), ["Bob Dylan", "Carol Ann Duffy"], "Exists(OuterRef)")
            eq(Author.objects.get(email="bob@example.com").nickname, "bobby", "field added by migration 0002")

        with guard("json"):
            eq(sorted(Book.objects.filter(data__genre="poetry").values_list("pk", flat=True)), [b3.pk, b4.pk, b5.pk], "data__genre")
            eq(sorted(Book.objects.filter(data__pages__gt=200).values_list("pk", flat=True)), [b1.pk, b2.pk], "data__pages__gt")
            eq(list(Book.objects.filter(data__meta__lang="en-GB").values_list("pk", flat=True)), [b4.pk], "data__meta__lang")
            eq(list(Book.objects.filter(data__has_key="award").values_list("pk", flat=True)), [b3.pk], "data__has_key")
            eq(list(Book.objects.filter(data__contains={"genre": "tech"}).values_list("pk", flat=True)), [b1.pk], "data__contains")
            eq(list(Book.objects.filter(data__meta__editions__1=2).values_list("pk", flat=True)), [b1.pk], "array index lookup")
            eq(Book.objects.get(pk=b1.pk).data, {"genre": "tech", "pages": 320, "meta": {"lang": "en", "editions": [1, 2]}}, "JSON round trip")
            eq(Book.objects.values_list("data__meta__lang", flat=True).get(pk=b5.pk), "it", "values_list of a key")

        with guard("dates"):
            eq(sorted(Book.objects.filter(published__date=dt.date(2024, 3, 2)).values_list("pk", flat=True)), [b3.pk, b4.pk], "published__date")
            eq(Book.objects.filter(published__year=2024).count(), 4, "published__year")
            eq(Book.objects.filter(published__month=1).count(), 2, "published__month")
            months = list(
                Book.objects.annotate(month=TruncMonth("published")).values("month").annotate(n=Count("id")).order_by("month")
            )
            eq(months, [{"month": T(2023, 12, 1), "n": 1}, {"month": T(2024, 1, 1), "n": 2}, {"month": T(2024, 3, 1), "n": 2}], "TruncMonth")
            eq(Book.objects.get(pk=b2.pk).published, T(2024, 1, 31, 23, 59, 59), "datetime round trip")
            eq(Author.objects.get(pk=alice.pk).born, dt.date(1852, 5, 4), "date round trip")

        with guard("aggregate"):
            agg = Book.objects.aggregate(n=Count("id"), total=Sum("price"), avg=Avg("price"), hi=Max("price"), lo=Min("price"),
                                         last=Max("published"))
            eq(agg["n"], 5, "Count")
            eq(agg["total"], Decimal("170.48"), "Sum")
            eq(round(agg["avg"], 3), Decimal("34.096"), "Avg")
            eq((agg["hi"], agg["lo"]), (Decimal("100.00"), Decimal("9.99")), "Max/Min")
            eq(agg["last"], T(2024, 3, 2, 23, 0), "Max of a datetime")
            per_author = list(Author.objects.annotate(n=Count("books"), spent=Sum("books__price")).filter(n__gte=2).order_by("name")
                              .values_list("name", "n", "spent"))
            eq(per_author, [("Alice Liddell", 2, Decimal("42.49")), ("Carol Ann Duffy", 2, Decimal("109.99"))], "annotate + filter on it")
            eq(Review.objects.aggregate(a=Avg("stars"))["a"], 4.0, "Avg of an integer")

        with guard("update"):
            eq(Book.objects.filter(data__genre="poetry").update(price=F("price") + Decimal("1.00")), 3, "rows updated")
            eq(Book.objects.get(pk=b4.pk).price, Decimal("10.99"), "price after F() update")
            b2.title = "Through the Looking-Glass, and What Alice Found There"
            b2.save(update_fields=["title"])
            eq(Book.objects.get(pk=b2.pk).title, b2.title, "save(update_fields)")
            eq(Book.objects.filter(pk=b2.pk).update(in_print=True), 1, "update of an unchanged value counts the matched row")
            with transaction.atomic():
                locked = Book.objects.select_for_update().get(pk=b3.pk)
                locked.in_print = True
                locked.save()
            eq(Book.objects.get(pk=b3.pk).in_print, True, "select_for_update + save")
            obj, created = Author.objects.update_or_create(email="bob@example.com", defaults={"nickname": "zimmy"})
            eq((obj.pk, created, Author.objects.get(pk=bob.pk).nickname), (bob.pk, False, "zimmy"), "update_or_create")

        with guard("binary"):
            eq(bytes(Book.objects.get(pk=b1.pk).cover), cover, "BinaryField round trip")
            big = os.urandom(200_000)
            Book.objects.filter(pk=b2.pk).update(cover=big)
            eq(bytes(Book.objects.get(pk=b2.pk).cover), big, "200 kB BinaryField round trip")
            eq(Book.objects.get(pk=b3.pk).cover, None, "NULL BinaryField")

        with guard("integrity"):
            try:
                with transaction.atomic():
                    Book.objects.create(author=alice, title="Django for Wonderland", isbn="9780000000099", price=1,
                                        published=T(2024, 5, 1))
            except IntegrityError as e:
                print("unique_together duplicate:", e, flush=True)
            else:
                raise AssertionError("a duplicate (author, title) did not raise IntegrityError")
            try:
                with transaction.atomic():
                    Book.objects.create(author=bob, title="Another", isbn="9780000000001", price=1, published=T(2024, 5, 1))
            except IntegrityError as e:
                print("UniqueConstraint duplicate:", e, flush=True)
            else:
                raise AssertionError("a duplicate isbn (UniqueConstraint) did not raise IntegrityError")
            try:
                with transaction.atomic():
                    Book.objects.create(author_id=987654, title="Orphan", isbn="9780000000098", price=1, published=T(2024, 5, 1))
            except IntegrityError as e:
                print("foreign key violation:", e, flush=True)
            else:
                raise AssertionError("a book of a missing author did not raise IntegrityError")
            eq(Book.objects.count(), 5, "books after the refused inserts")
            try:
                with transaction.atomic():
                    Tag.objects.create(name="rolled-back")
                    raise RuntimeError("roll back")
            except RuntimeError:
                pass
            eq(Tag.objects.filter(name="rolled-back").exists(), False, "atomic() rolled back")

        with guard("delete"):
            deleted, per_model = carol.delete()
            eq(per_model, {"shop.Book_tags": 3, "shop.Book": 2, "shop.Author": 1}, "cascade of Author.delete()")
            eq(sorted(Book.objects.values_list("pk", flat=True)), [b1.pk, b2.pk, b3.pk], "books after the cascade")
            eq(sorted(Review.objects.filter(book=b1).values_list("reviewer_id", flat=True), key=lambda v: (v is not None, v)),
               [None, bob.pk], "SET_NULL on the reviewer")
            eq(Review.objects.filter(book=b1, reviewer__isnull=True).count(), 1, "reviewer__isnull")
            eq(Book.objects.filter(in_print=True, data__genre="poetry").delete(), (3, {"shop.Book_tags": 1, "shop.Review": 1, "shop.Book": 1}),
               "QuerySet.delete()")
            eq(Book.objects.count(), 2, "books at the end")

        if FAILURES:
            print("FAILURES", flush=True)
            for f in FAILURES:
                print(f"  {f}", flush=True)
            raise SystemExit(1)
        step("done")

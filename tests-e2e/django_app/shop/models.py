from django.db import models


class Author(models.Model):
    name = models.CharField(max_length=100)
    email = models.EmailField(unique=True)
    born = models.DateField(null=True, blank=True)
    nickname = models.CharField(max_length=30, default="", blank=True)

    class Meta:
        indexes = [models.Index(fields=["name"], name="shop_author_name_idx")]


class Tag(models.Model):
    name = models.SlugField(max_length=50, unique=True)


class Book(models.Model):
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="books")
    title = models.CharField(max_length=250)
    isbn = models.CharField(max_length=13)
    price = models.DecimalField(max_digits=8, decimal_places=2)
    published = models.DateTimeField()
    in_print = models.BooleanField(default=True)
    data = models.JSONField(default=dict)
    cover = models.BinaryField(null=True)
    tags = models.ManyToManyField(Tag, related_name="books", blank=True)

    class Meta:
        unique_together = [("author", "title")]
        constraints = [models.UniqueConstraint(fields=["isbn"], name="shop_book_isbn_uniq")]
        indexes = [models.Index(fields=["published", "price"], name="shop_book_pub_price_idx")]


class Review(models.Model):
    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(Author, on_delete=models.SET_NULL, null=True, related_name="reviews")
    stars = models.PositiveSmallIntegerField()
    body = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["book", "reviewer"], name="shop_review_once")]

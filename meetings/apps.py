from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Hội nghị, cuộc họp"

    def ready(self) -> None:
        from meetings import reviews, signals
        from regulations import reviews as regulation_reviews

        signals.connect()
        regulation_reviews.register(reviews.MeetingReviews())

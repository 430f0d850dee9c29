from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Hội nghị, cuộc họp"

    def ready(self) -> None:
        from agencies import sections
        from meetings import reviews, signals
        from regulations import reviews as regulation_reviews

        signals.connect()
        sections.register("meetings/_agency_section.html")
        regulation_reviews.register(reviews.MeetingReviews())

from django.apps import AppConfig


class OriginalsConfig(AppConfig):
    name = "originals"
    verbose_name = "Nội dung văn bản gốc"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from originals import selectors, services
        from originals.models import OriginalText
        from portal import events
        from regulations import texts

        events.subscribe("originals.read", services.on_original_added, events.ORIGINAL_ADDED)
        texts.register(selectors.SOURCE)
        post_delete.connect(services.on_text_deleted, sender=OriginalText, dispatch_uid="originals-words-delete")

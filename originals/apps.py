from django.apps import AppConfig


class OriginalsConfig(AppConfig):
    name = "originals"
    verbose_name = "Nội dung văn bản gốc"

    def ready(self) -> None:
        from originals import selectors, services
        from portal import events
        from regulations import texts

        events.subscribe("originals.read", services.on_original_added, events.ORIGINAL_ADDED)
        texts.register(selectors.SOURCE)

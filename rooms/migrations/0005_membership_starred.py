from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("rooms", "0004_notification_level_room_mentions"),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="starred",
            field=models.BooleanField(default=False),
        ),
    ]

from __future__ import annotations

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("plans", "0003_target_attribute")]

    operations = [
        migrations.AddField(
            model_name="project",
            name="zone",
            field=models.CharField(
                blank=True,
                help_text="新建学校所在学区；已有学校填学校标识码即可",
                max_length=120,
                verbose_name="学区（招生片区）",
            ),
        ),
    ]

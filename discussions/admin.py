from django.contrib import admin

from discussions.models import CommonsSetting, Post, PostReport, Thread


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin):
    list_display = ["excerpt", "cohort", "activity", "post_count", "is_locked", "is_pinned"]
    list_filter = ["is_locked", "is_pinned"]
    raw_id_fields = ["cohort", "activity", "started_by", "programme"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    list_display = ["pk", "thread", "author", "created_at", "removed_at", "hidden_at"]
    raw_id_fields = ["thread", "author", "hidden_by", "mentioned"]


@admin.register(PostReport)
class PostReportAdmin(admin.ModelAdmin):
    list_display = ["post", "reason", "created_at", "resolved_at"]
    raw_id_fields = ["post", "reporter", "resolved_by"]


admin.site.register(CommonsSetting)

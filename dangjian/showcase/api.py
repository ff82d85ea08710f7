"""REST API of 抓示范 (/api/v1/demo-sites/, meetings/, model-posts/, post-services/, honor-campaigns/,
nominations/): the same services and scope as the pages. Ids outside scope, in the URL or the body, answer 404."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action

from dangjian.core.api import ScopedAPIViewSet
from dangjian.core.permissions import SELF_SERVICE
from dangjian.orgs.models import Org, Person

from . import honours, posts, services
from .capabilities import HONOR_MANAGE, MEETING_EDIT, NOMINATE, POST_APPROVE, POST_RECOMMEND, SITE_MANAGE
from .filters import CampaignFilter, MeetingFilter, NominationFilter, PostFilter, ServiceFilter, SiteFilter
from .models import DemoSite, HonorCampaign, Meeting, ModelPost, Nomination, PostService


class SiteSerializer(serializers.ModelSerializer):
    mentored = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = DemoSite
        fields = ["id", "org", "level", "theme", "lessons", "mentored", "status", "designated_on", "designated_by",
                  "revoked_on", "revoke_reason"]
        read_only_fields = fields


class SiteInputSerializer(serializers.Serializer):
    org = serializers.IntegerField()
    level = serializers.ChoiceField(choices=DemoSite.SiteLevel.choices)
    theme = serializers.CharField(max_length=100)
    lessons = serializers.CharField(max_length=2000)
    mentored = serializers.ListField(child=serializers.IntegerField(), required=False, default=list, max_length=200)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=200)


class MeetingSerializer(serializers.ModelSerializer):
    host_org = serializers.PrimaryKeyRelatedField(source="org", read_only=True)
    sites = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    participants = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "host_org", "kind", "held_on", "place", "sites", "participants", "headcount", "summary",
                  "lessons"]
        read_only_fields = fields


class MeetingInputSerializer(serializers.Serializer):
    host_org = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=Meeting.Kind.choices)
    held_on = serializers.DateField()
    place = serializers.CharField(max_length=100)
    sites = serializers.ListField(child=serializers.IntegerField(), required=False, default=list, max_length=50)
    participants = serializers.ListField(child=serializers.IntegerField(), required=False, default=list,
                                         max_length=500)
    headcount = serializers.IntegerField(min_value=1, max_value=100000)
    summary = serializers.CharField(max_length=4000)
    lessons = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")


class PostSerializer(serializers.ModelSerializer):
    class Meta:
        model = ModelPost
        fields = ["id", "person", "org", "kind", "title", "duty", "status", "applied_on", "recommended_on",
                  "approved_on", "notice_until", "published_on", "plate_number", "withdrawn_on", "withdraw_reason"]
        read_only_fields = fields


class PostInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ModelPost.Kind.choices)
    title = serializers.CharField(max_length=50)
    duty = serializers.CharField(max_length=1000)


class ServiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = PostService
        fields = ["id", "post", "served_on", "people_served", "problems_solved", "note"]
        read_only_fields = ["id"]
        extra_kwargs = {"post": {"queryset": ModelPost.objects.none()}}


class CampaignSerializer(serializers.ModelSerializer):
    criteria = serializers.ListField(child=serializers.CharField(max_length=30), required=False, max_length=5)

    class Meta:
        model = HonorCampaign
        fields = ["id", "org", "name", "year", "target", "criteria", "description", "created_on"]
        read_only_fields = ["id", "org", "created_on"]


class NominationSerializer(serializers.ModelSerializer):
    evidence = serializers.ListField(child=serializers.CharField(max_length=2000, allow_blank=True), max_length=5)

    class Meta:
        model = Nomination
        fields = ["id", "campaign", "person", "org", "evidence", "status", "nominated_on", "reviewed_on",
                  "review_note", "notice_until", "named_on", "revoked_on", "revoke_reason"]
        read_only_fields = [f for f in fields if f != "evidence"]


class NominationInputSerializer(serializers.Serializer):
    campaign = serializers.IntegerField()
    person = serializers.IntegerField(required=False, allow_null=True, default=None)
    org = serializers.IntegerField(required=False, allow_null=True, default=None)
    evidence = serializers.ListField(child=serializers.CharField(max_length=2000, allow_blank=True), max_length=5)


class ReviewSerializer(serializers.Serializer):
    passed = serializers.BooleanField()
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class SiteViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedAPIViewSet):
    serializer_class = SiteSerializer
    filterset_class = SiteFilter
    write_capability = SITE_MANAGE

    def base_queryset(self):
        return DemoSite.objects.prefetch_related("mentored").order_by("-designated_on", "-id")

    @extend_schema(request=SiteInputSerializer, responses={201: SiteSerializer})
    def create(self, request):
        self.require_write()
        data = self.input(SiteInputSerializer)
        org = self.visible(Org, data.pop("org"))
        site = services.site_designate(actor=request.user, org=org, **data)
        return self.output(site, status.HTTP_201_CREATED)

    @extend_schema(request=ReasonSerializer, responses=SiteSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        site = self.get_object()
        self.require_write()
        return self.output(services.site_revoke(actor=request.user, site=site,
                                                reason=self.input(ReasonSerializer)["reason"]))


class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedAPIViewSet):
    serializer_class = MeetingSerializer
    filterset_class = MeetingFilter
    write_capability = MEETING_EDIT

    def base_queryset(self):
        return Meeting.objects.prefetch_related("sites", "participants").order_by("-held_on", "-id")

    @extend_schema(request=MeetingInputSerializer, responses={201: MeetingSerializer})
    def create(self, request):
        self.require_write()
        data = self.input(MeetingInputSerializer)
        org = self.visible(Org, data.pop("host_org"))
        meeting = services.meeting_record(actor=request.user, org=org, **data)
        return self.output(meeting, status.HTTP_201_CREATED)


class PostViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedAPIViewSet):
    """A member applies for themselves (POST); the branch recommends, the level above approves (public notice)
    and publishes after it; the holder or the organizations above withdraw with a reason."""

    serializer_class = PostSerializer
    filterset_class = PostFilter
    write_capability = POST_RECOMMEND

    def base_queryset(self):
        return ModelPost.objects.order_by("-applied_on", "-id")

    @extend_schema(request=PostInputSerializer, responses={201: PostSerializer})
    def create(self, request):
        self.require_write(SELF_SERVICE)
        post = posts.post_apply(actor=request.user, **self.input(PostInputSerializer))
        return self.output(post, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=PostSerializer)
    @action(detail=True, methods=["post"])
    def recommend(self, request, pk=None):
        post = self.get_object()
        self.require_write()
        return self.output(posts.post_recommend(actor=request.user, post=post))

    @extend_schema(request=None, responses=PostSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        post = self.get_object()
        self.require_write(POST_APPROVE)
        return self.output(posts.post_approve(actor=request.user, post=post))

    @extend_schema(request=None, responses=PostSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        post = self.get_object()
        self.require_write(POST_APPROVE)
        return self.output(posts.post_publish(actor=request.user, post=post))

    @extend_schema(request=ReasonSerializer, responses=PostSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        post = self.get_object()
        if post.person_id != request.user.person_id:
            self.require_write()
        return self.output(posts.post_withdraw(actor=request.user, post=post,
                                               reason=self.input(ReasonSerializer)["reason"]))


class ServiceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedAPIViewSet):
    serializer_class = ServiceSerializer
    filterset_class = ServiceFilter

    def base_queryset(self):
        return PostService.objects.order_by("-served_on", "-id")

    @extend_schema(request=ServiceSerializer, responses={201: ServiceSerializer})
    def create(self, request):
        self.require_write(SELF_SERVICE)
        serializer = ServiceSerializer(data=request.data)
        serializer.fields["post"].queryset = ModelPost.objects.visible_to(request.user)
        if isinstance(request.data, dict) and "post" in request.data:
            self.visible(ModelPost, request.data["post"])  # a post outside scope is 404, not a 400 "invalid pk"
        serializer.is_valid(raise_exception=True)
        service = posts.service_record(actor=request.user, **serializer.validated_data)
        return self.output(service, status.HTTP_201_CREATED)


class CampaignViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedAPIViewSet):
    serializer_class = CampaignSerializer
    filterset_class = CampaignFilter
    write_capability = HONOR_MANAGE

    def base_queryset(self):
        return HonorCampaign.objects.order_by("-year", "-id")

    @extend_schema(request=CampaignSerializer, responses={201: CampaignSerializer})
    def create(self, request):
        self.require_write()
        campaign = honours.campaign_create(actor=request.user, **self.input(CampaignSerializer))
        return self.output(campaign, status.HTTP_201_CREATED)


class NominationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedAPIViewSet):
    serializer_class = NominationSerializer
    filterset_class = NominationFilter
    write_capability = HONOR_MANAGE

    def base_queryset(self):
        return Nomination.objects.order_by("-nominated_on", "-id")

    @extend_schema(request=NominationInputSerializer, responses={201: NominationSerializer})
    def create(self, request):
        self.require_write(NOMINATE)
        data = self.input(NominationInputSerializer)
        campaign = self.visible(HonorCampaign, data["campaign"])
        person = self.visible(Person, data["person"]) if data["person"] is not None else None
        org = self.visible(Org, data["org"]) if data["org"] is not None else None
        nomination = honours.nomination_submit(actor=request.user, campaign=campaign, person=person, org=org,
                                               evidence=data["evidence"])
        return self.output(nomination, status.HTTP_201_CREATED)

    @extend_schema(request=ReviewSerializer, responses=NominationSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        nomination = self.get_object()
        self.require_write()
        data = self.input(ReviewSerializer)
        return self.output(honours.nomination_review(actor=request.user, nomination=nomination, **data))

    @extend_schema(request=None, responses=NominationSerializer)
    @action(detail=True, methods=["post"], url_path="name", url_name="name")
    def name_honour(self, request, pk=None):  # not `name`: a viewset's own attribute
        nomination = self.get_object()
        self.require_write()
        return self.output(honours.nomination_name(actor=request.user, nomination=nomination))

    @extend_schema(request=ReasonSerializer, responses=NominationSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        nomination = self.get_object()
        self.require_write()
        return self.output(honours.nomination_revoke(actor=request.user, nomination=nomination,
                                                     reason=self.input(ReasonSerializer)["reason"]))


def register(router):
    router.register("demo-sites", SiteViewSet, basename="demo-site")
    router.register("meetings", MeetingViewSet, basename="meeting")
    router.register("model-posts", PostViewSet, basename="model-post")
    router.register("post-services", ServiceViewSet, basename="post-service")
    router.register("honor-campaigns", CampaignViewSet, basename="honor-campaign")
    router.register("nominations", NominationViewSet, basename="nomination")

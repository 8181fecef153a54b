"""Imports every domain's models so metadata (and Alembic) sees all tables."""

from crowdq.accounts.models import User  # noqa: F401
from crowdq.admin.models import SiteSetting  # noqa: F401
from crowdq.calls.models import CallBudget, CallResult  # noqa: F401
from crowdq.events import Event  # noqa: F401
from crowdq.facilitation.models import CommunitySession  # noqa: F401
from crowdq.mail.models import OutboxMessage  # noqa: F401
from crowdq.merging.models import (  # noqa: F401
    DuplicateCandidate,
    DuplicateSuggestion,
    QuestionMerge,
    QuestionMergeMember,
)
from crowdq.moderation.models import Appeal, Flag, ModerationAction, ReviewItem, WatchedWord  # noqa: F401
from crowdq.notifications.models import Notification  # noqa: F401
from crowdq.organisations.models import (  # noqa: F401
    Endorsement,
    Organisation,
    OrganisationInvitation,
    OrganisationMembership,
)
from crowdq.questions.models import (  # noqa: F401
    Comment,
    Question,
    QuestionFollow,
    QuestionRevision,
    Tag,
    Topic,
    Vote,
)
from crowdq.research.models import (  # noqa: F401
    Adoption,
    Answer,
    AnswerRevision,
    Project,
    ProjectMember,
    ProjectUpdate,
    QuestionClaim,
    ResearcherApplication,
    SurveyResponse,
)
from crowdq.search.models import SearchTerm  # noqa: F401

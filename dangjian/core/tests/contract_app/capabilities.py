from dangjian.core.permissions import Role, capability

SAMPLE_VIEW = capability("sample.view", "View samples", roles=[Role.ORG_DEPT, Role.TOWNSHIP, Role.SECRETARY])
SAMPLE_EDIT = capability("sample.edit", "Edit samples", roles=[Role.ORG_DEPT, Role.TOWNSHIP])

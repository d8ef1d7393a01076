-- Version 9: roles (MLflow 3.14's RBAC model), groups of users and explicit deny grants.
-- A role belongs to a workspace (`default` when workspaces are off) and holds grants
-- (resource_type, resource_pattern, permission): a pattern is one resource's key (an experiment id,
-- a registered model name) or `*` for every resource of the type; resource_type `workspace` with `*`
-- covers every type. Orchard adds the permission `DENY`, which wins over any allow. Roles are
-- assigned to users and, beyond MLflow, to groups, whose members inherit them.

CREATE TABLE roles (
  role_id INTEGER PRIMARY KEY AUTOINCREMENT,
  workspace TEXT NOT NULL,
  name TEXT NOT NULL,
  description TEXT,
  creation_time INTEGER NOT NULL,
  UNIQUE (workspace, name)
);

CREATE TABLE role_permissions (
  role_permission_id INTEGER PRIMARY KEY AUTOINCREMENT,
  role_id INTEGER NOT NULL REFERENCES roles (role_id) ON DELETE CASCADE,
  resource_type TEXT NOT NULL CHECK (resource_type IN ('experiment', 'registered_model', 'workspace')),
  resource_pattern TEXT NOT NULL,
  permission TEXT NOT NULL CHECK (permission IN ('NO_PERMISSIONS', 'READ', 'USE', 'EDIT', 'MANAGE', 'DENY')),
  UNIQUE (role_id, resource_type, resource_pattern)
);

CREATE TABLE user_role_assignments (
  assignment_id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  role_id INTEGER NOT NULL REFERENCES roles (role_id) ON DELETE CASCADE,
  UNIQUE (user_id, role_id)
);
CREATE INDEX user_role_assignments_by_role ON user_role_assignments (role_id);

CREATE TABLE user_groups (
  group_id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL UNIQUE,
  description TEXT,
  creation_time INTEGER NOT NULL
);

CREATE TABLE group_members (
  group_id INTEGER NOT NULL REFERENCES user_groups (group_id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users (user_id) ON DELETE CASCADE,
  PRIMARY KEY (group_id, user_id)
);
-- Every authorization check asks "which groups is this user in".
CREATE INDEX group_members_by_user ON group_members (user_id, group_id);

CREATE TABLE group_role_assignments (
  group_id INTEGER NOT NULL REFERENCES user_groups (group_id) ON DELETE CASCADE,
  role_id INTEGER NOT NULL REFERENCES roles (role_id) ON DELETE CASCADE,
  PRIMARY KEY (group_id, role_id)
);
CREATE INDEX group_role_assignments_by_role ON group_role_assignments (role_id);

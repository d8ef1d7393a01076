-- Version 13: role assignments made by single sign-on's group mapping (--oidc-group-role). Such an
-- assignment is added when the IdP lists the group at a sign-in and removed at the first sign-in
-- where it no longer does; assignments an admin made (idp_granted 0) are never touched by sign-in.
-- (12 is left for a sibling branch.)

ALTER TABLE user_role_assignments ADD COLUMN idp_granted INTEGER NOT NULL DEFAULT 0 CHECK (idp_granted IN (0, 1));

CREATE TABLE user_preferences (
    user_id integer PRIMARY KEY REFERENCES users (id),
    newsletter boolean DEFAULT true,
    marketing boolean DEFAULT false,
    digest boolean DEFAULT true,
    push_enabled boolean DEFAULT true,
    sms_enabled boolean DEFAULT false,
    in_app boolean DEFAULT true
);

INSERT INTO user_preferences (user_id, newsletter, marketing, digest, push_enabled, sms_enabled, in_app)
SELECT u.id,
       COALESCE(ep.newsletter, true),
       COALESCE(ep.marketing, false),
       COALESCE(ep.digest, true),
       COALESCE(np.push_enabled, true),
       COALESCE(np.sms_enabled, false),
       COALESCE(np.in_app, true)
FROM users u
LEFT JOIN email_preferences ep ON ep.user_id = u.id
LEFT JOIN notification_preferences np ON np.user_id = u.id;

DROP TABLE email_preferences;
DROP TABLE notification_preferences;

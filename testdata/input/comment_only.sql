-- 2024-05-01: placeholder, the change moved to 0042
/* nothing to run here */
-- end

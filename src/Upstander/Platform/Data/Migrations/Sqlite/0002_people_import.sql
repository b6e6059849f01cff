-- 0002 people import: lets the org chart cache notice a directory change (count and latest UpdatedAt) with one indexed query.
CREATE INDEX "IX_people_OrganisationId_UpdatedAt" ON "people" ("OrganisationId", "UpdatedAt");

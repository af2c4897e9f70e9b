// Survey routing for the kiosk runner: the same rules as surveys/runner.py, with no page, DOM or
// network in it, so tests/test_routing_cases.py runs this file (in Node) and the Python runner
// against one table of cases (tests/fixtures/routing_cases.json).

/** Whether an answer counts as given: not missing, not empty text, not an empty list or map. */
export function answered(value) {
  if (value === undefined || value === null || value === "") {
    return false;
  }
  if (Array.isArray(value)) {
    return value.length > 0;
  }
  if (typeof value === "object") {
    return Object.keys(value).length > 0;
  }
  return true;
}

/** Whether a show_if condition holds for the answers so far (no condition: always). */
export function conditionMet(condition, answers) {
  if (!condition) {
    return true;
  }
  if (condition.all) {
    return condition.all.every((c) => conditionMet(c, answers));
  }
  if (condition.any) {
    return condition.any.some((c) => conditionMet(c, answers));
  }
  const value = answers[condition.question];
  if ("not_answered" in condition) {
    return !answered(value);
  }
  const wanted = ("equals" in condition ? [condition.equals] : condition.any_of).map(String);
  if (Array.isArray(value)) {
    return value.some((v) => wanted.includes(String(v)));
  }
  return value !== undefined && value !== null && wanted.includes(String(value));
}

/**
 * The pages a respondent sees, in order, each with the answers given before it.
 * `answersOn(page)` returns the answers kept for that page ({question id: value}), or null when
 * the page has not been answered yet. A page is skipped when its own condition fails or when
 * none of its questions is shown (as the Python runner does).
 */
export function route(pages, answersOn) {
  const answers = {};
  const visible = [];
  for (const page of pages) {
    if (!conditionMet(page.show_if, answers)) {
      continue;
    }
    const before = { ...answers };
    const shown = page.questions.filter((question) => conditionMet(question.show_if, before));
    if (shown.length === 0) {
      continue;
    }
    visible.push({ page, before });
    const kept = answersOn(page);
    if (kept) {
      for (const question of shown) {
        answers[question.id] = kept[question.id];
      }
    }
  }
  return visible;
}

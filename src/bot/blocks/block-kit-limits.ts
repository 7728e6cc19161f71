/*
 * Slack's documented Block Kit limits, one constant each, with the sentence that documents it.
 * Sources: docs.slack.dev/reference/block-kit/blocks (and each block's page),
 * .../block-elements/button-element, .../block-elements/select-menu-element,
 * .../composition-objects/{text-object,confirmation-dialog-object,option-object},
 * docs.slack.dev/reference/views/modal-views, docs.slack.dev/reference/methods/chat.postMessage.
 * Lengths are counted here in UTF-16 code units (`string.length`), which is never less than
 * Slack's character count, so a text within the limit here is within it there.
 */

/** "You can include up to 50 blocks in each message, and 100 blocks in modals or Home tabs." */
export const MAX_MESSAGE_BLOCKS = 50;
/** Same sentence: "... and 100 blocks in modals or Home tabs." */
export const MAX_VIEW_BLOCKS = 100;

/**
 * chat.postMessage `text`: Slack "will truncate messages containing more than 40,000
 * characters" (changelog 2018-04, truncating really long messages).
 */
export const MAX_MESSAGE_TEXT = 40_000;

/** Section `text`: "Maximum length for the text in this field is 3000 characters." */
export const MAX_SECTION_TEXT = 3000;
/** Section `fields`: "Maximum number of items is 10." */
export const MAX_SECTION_FIELDS = 10;
/** Section `fields`: "Maximum length for the text in each item is 2000 characters." */
export const MAX_SECTION_FIELD_TEXT = 2000;

/** Header `text`: "Maximum length for the text in this field is 150 characters." */
export const MAX_HEADER_TEXT = 150;

/** Context `elements`: "Maximum number of items is 10." */
export const MAX_CONTEXT_ELEMENTS = 10;
/**
 * A context element is a text object; the text object page: "Minimum length for the text in
 * this field is 1 and maximum length is 3000 characters."
 */
export const MAX_TEXT_OBJECT = 3000;

/** Actions `elements`: "There is a maximum of 25 elements in each action block." */
export const MAX_ACTIONS_ELEMENTS = 25;

/** Button `text`: "Maximum length for the text in this field is 75 characters." */
export const MAX_BUTTON_TEXT = 75;
/** Button `value`: "Maximum length is 2000 characters." */
export const MAX_BUTTON_VALUE = 2000;
/** `action_id`: "Maximum length is 255 characters." */
export const MAX_ACTION_ID = 255;
/** `block_id`: "Maximum length for this field is 255 characters." */
export const MAX_BLOCK_ID = 255;

/** Confirmation dialog `title`: "Maximum length for this field is 100 characters." */
export const MAX_CONFIRM_TITLE = 100;
/** Confirmation dialog `text`: "Maximum length for this field is 300 characters." */
export const MAX_CONFIRM_TEXT = 300;
/** Confirmation dialog `confirm` and `deny`: "Maximum length for this field is 30 characters." */
export const MAX_CONFIRM_BUTTON = 30;

/** Modal `title`, `submit`, `close`: plain_text "with a max length of 24 characters". */
export const MAX_VIEW_TITLE = 24;
/** Modal `private_metadata`: "Max length of 3000 characters." */
export const MAX_PRIVATE_METADATA = 3000;
/** Modal `callback_id`: "Max length of 255 characters." */
export const MAX_CALLBACK_ID = 255;

/** Input `label`: "Maximum length for the text in this field is 2000 characters." */
export const MAX_INPUT_LABEL = 2000;
/** Input `hint`: "Maximum length for the text in this field is 2000 characters." */
export const MAX_INPUT_HINT = 2000;
/** Element `placeholder`: "Maximum length for the text in this field is 150 characters." */
export const MAX_PLACEHOLDER = 150;

/** Static select `options`: "Maximum number of options is 100." */
export const MAX_SELECT_OPTIONS = 100;
/** Option `text`: "Maximum length for the text in this field is 75 characters." */
export const MAX_OPTION_TEXT = 75;
/** Option `value`: "Maximum length for this field is 150 characters." */
export const MAX_OPTION_VALUE = 150;

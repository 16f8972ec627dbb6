/**
 * openStore refuses a URL of no engine it knows with the URL in the message, its password masked as in every
 * other message (hideCredentials): user and host stay, so the operator can tell which setting is wrong.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../src/models/index.js';

test('an unsupported store URL is refused, its password masked and its user and host kept', async () => {
  await assert.rejects(openStore('mysql://app:s3cret@db.example:3306/shop'), {
    name: 'TypeError',
    message: 'unsupported store URL "mysql://app:***@db.example:3306/shop": use sqlite:<file>, sqlite::memory: or postgres://…',
  });
  await assert.rejects(openStore('mongodb://db.example/shop'), { message: /^unsupported store URL "mongodb:\/\/db\.example\/shop": / });
});

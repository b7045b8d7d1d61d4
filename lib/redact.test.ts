import { expect } from 'chai';
import { isSecretKey, redactText, redactUrl } from './redact.js';

describe('lib/redact', () => {
  it('removes the password of a URL and keeps the rest', () => {
    expect(redactUrl('postgres://sawmill:hunter2@db:5432/sawmill?sslmode=require')).to.equal(
      'postgres://sawmill:[redacted]@db:5432/sawmill?sslmode=require',
    );
    expect(redactUrl('redis://:s3cret@127.0.0.1:6379/15')).to.equal('redis://:[redacted]@127.0.0.1:6379/15');
    expect(redactUrl('postgres://postgres@127.0.0.1:5432/x')).to.equal('postgres://postgres@127.0.0.1:5432/x');
  });

  it('scrubs credentials out of free text, even in strings that are not valid URLs', () => {
    expect(redactText('connect failed for postgres://u:p%40ss@h/db and redis://:x@r:1')).to.equal(
      'connect failed for postgres://u:[redacted]@h/db and redis://:[redacted]@r:1',
    );
    expect(redactUrl('postgres://u:pa ss@host/db')).not.to.include('pa ss');
    expect(redactText('no secrets here: http://host:9200/_bulk')).to.equal('no secrets here: http://host:9200/_bulk');
  });

  it('recognises secret key names', () => {
    for (const key of ['password', 'dbPassword', 'passwd', 'apiKey', 'api_key', 'secret', 'clientSecret', 'token', 'privateKey']) {
      expect(isSecretKey(key), key).to.equal(true);
    }
    for (const key of ['port', 'host', 'bypass', 'passive', 'keyPrefix', 'brokers']) {
      expect(isSecretKey(key), key).to.equal(false);
    }
  });
});
